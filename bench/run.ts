/**
 * The bench (SPEC §11): `bun bench/run.ts [--quick]`. Starts a mock upstream, the bare forwarder and
 * llmux on 127.0.0.1, measures start-up and memory, drives the same wrk load through all three,
 * times streams, prints a markdown report and writes the figures to bench/results/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.ts'
import { machineInfo, type BenchResults } from './bench-results.ts'
import { launchGateway, llmuxMissingReason, startMock, type GatewayName, type LaunchOptions } from './launch.ts'
import { runLoadMatrix, type LoadRun } from './load-matrix.ts'
import { measureHeldStreams } from './held-streams.ts'
import { measureIdle, measureStartups } from './measure-gateway.ts'
import { processMemory } from './proc-stats.ts'
import { renderReport } from './render-report.ts'
import { SCENARIOS, type Target } from './scenarios.ts'
import type { ServerProcess } from './spawn-server.ts'
import { measureStreamTimings } from './stream-timing.ts'
import { summariseLoad, summariseStreams } from './summarise.ts'
import { ensureWrk } from './wrk.ts'

const log = (line: string) => console.error(`[bench] ${line}`)
const running: ServerProcess[] = []

const describeRun = (run: LoadRun) =>
  `c=${run.concurrency} ${run.scenario} ${run.target}: ${run.result.requestsPerS.toFixed(0)} req/s, ` +
  `p50 ${run.result.p50Ms.toFixed(3)} ms, p99 ${run.result.p99Ms.toFixed(3)} ms, errors ${run.result.errorCount}, ` +
  `other load ${((run.otherCpuMs / (run.result.durationS * 1000)) * 100).toFixed(0)}% of a core`

/** Start-up samples, then the long-running instance with its idle memory. Undefined when it fails. */
async function startGateway(name: GatewayName, launch: LaunchOptions, results: BenchResults): Promise<ServerProcess | undefined> {
  try {
    const startups = await measureStartups([name], launch, results.options.startupRuns - 1)
    const server = await launchGateway(name, launch)
    running.push(server)
    const idleMemory = await measureIdle(server)
    results.gateways[name] = { startupMs: [...(startups.get(name) ?? []), server.startupMs], idleMemory }
    log(`${name} serves at ${server.baseUrl} (pid ${server.pid}), started in ${server.startupMs.toFixed(0)} ms`)
    return server
  } catch (error) {
    if (name !== 'llmux') throw error
    results.llmuxSkipped = `llmux did not start: ${error instanceof Error ? error.message : String(error)}`
    log(results.llmuxSkipped)
    return undefined
  }
}

async function bench(options: BenchOptions): Promise<BenchResults> {
  const results: BenchResults = { startedAt: new Date().toISOString(), machine: machineInfo(), options, gateways: {}, load: [], streams: [], runs: [] }
  const mock = await startMock()
  running.push(mock)
  log(`mock upstream at ${mock.baseUrl} (pid ${mock.pid})`)
  const workDir = mkdtempSync(join(tmpdir(), 'llmux-bench-'))
  const env: Record<string, string> = options.maxHttpRequests ? { BUN_CONFIG_MAX_HTTP_REQUESTS: String(options.maxHttpRequests) } : {}
  const launch: LaunchOptions = { mockUrl: mock.baseUrl, workDir, env }
  try {
    const gateways: ServerProcess[] = []
    const forwarder = await startGateway('forwarder', launch, results)
    if (forwarder) gateways.push(forwarder)
    results.llmuxSkipped = options.isLlmuxSkipped ? 'asked to with --skip-llmux' : llmuxMissingReason()
    if (results.llmuxSkipped) log(`llmux skipped: ${results.llmuxSkipped}`)
    const llmux = results.llmuxSkipped ? undefined : await startGateway('llmux', launch, results)
    if (llmux) gateways.push(llmux)

    await measureHeldStreams(mock, gateways.map((server) => server.name as GatewayName), launch, results)

    const targets: Target[] = [{ name: 'direct', baseUrl: mock.baseUrl, pid: mock.pid }, ...gateways.map((server) => ({ name: server.name as GatewayName, baseUrl: server.baseUrl, pid: server.pid }))]
    log('warming up')
    await runLoadMatrix({ targets, mockPid: mock.pid, scenarios: SCENARIOS, concurrencies: [16], rounds: 1, durationS: options.warmupS })
    results.runs = await runLoadMatrix({ ...options, targets, mockPid: mock.pid, scenarios: SCENARIOS, onRun: (run) => log(describeRun(run)) })
    results.load = summariseLoad(results.runs)

    for (const scenario of SCENARIOS.filter((each) => each.isStreaming)) {
      log(`timing ${options.ttfbCount} streams per target, ${scenario.label}`)
      results.streams.push(...summariseStreams(scenario.name, await measureStreamTimings(targets, scenario, options.ttfbCount)))
    }
    for (const server of gateways) {
      const figures = results.gateways[server.name as GatewayName]
      if (figures) figures.finalMemory = processMemory(server.pid)
    }
    return results
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

async function stopAll() {
  await Promise.all(running.splice(0).map((server) => server.stop()))
}

async function main() {
  if (process.argv.includes('--help')) return console.log(USAGE)
  const options = parseBenchOptions(process.argv.slice(2))
  ensureWrk()
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))
  const results = await bench(options).finally(stopAll)
  const outPath = options.outPath ?? join(import.meta.dir, 'results', `${results.startedAt.replace(/[:.]/g, '-')}.json`)
  mkdirSync(join(outPath, '..'), { recursive: true })
  writeFileSync(outPath, JSON.stringify(results, null, 2))
  console.log(renderReport(results))
  console.log(`\nJSON: ${outPath}`)
}

await main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})

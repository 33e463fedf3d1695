/**
 * The long soak (SPEC §11: "flat over a 1M-request soak with upstream errors mixed in"; issue 12):
 * `bun bench/soak.ts [--requests 1000000] [--concurrency 64] [--max-seconds 900] [--json FILE]`.
 *
 * Starts bench/fault-upstream.ts (an OpenAI upstream failing ~20% of requests in six ways, 1% slow)
 * and llmux, each in its own process, llmux with three backends on that upstream, weighted routing,
 * max_retries = 2, cooldown = 0 and the default SQLite store (journal and batching included). Drives
 * the requests over keep-alive fetch, mixing the three doors, half streamed, reads every answer to its
 * end and judges it (bench/soak-judge.ts). Prints a line every 5 s and a summary at the end: outcomes,
 * llmux's RSS as the requests add up and its slope over the second half, CPU time per request.
 * Exits 1 when an answer was malformed or a request failed in transport, 2 when --max-seconds cut it.
 * Everything runs on 127.0.0.1; every loop is bounded in count and time.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LLMUX_ENTRY } from './launch.ts'
import { cpuTimeMs, machineBusyMs, processMemory } from './proc-stats.ts'
import { SCENARIOS, targetRequest, type ClientApi } from './scenarios.ts'
import { judge } from './soak-judge.ts'
import { freePort, spawnServer, type ServerProcess } from './spawn-server.ts'
import { FAULT_RATE } from './fault-upstream.ts'
import { seededRandom } from '../test/helpers/seeded-random.ts'

const USAGE = `bun bench/soak.ts [flags]
  --requests 1000000       requests to send (default 1,000,000)
  --concurrency 64         requests in flight (default 64)
  --max-seconds 900        hard bound on the load; the run stops sending when it is reached
  --fault-rate 0.2         share of upstream answers that are faults (default 0.2)
  --seed 1                 seed of the upstream's faults; the client's door/stream mix uses seed + 1
  --max-http-requests N    set BUN_CONFIG_MAX_HTTP_REQUESTS for llmux (Bun's default: 256)
  --json FILE              also write the figures as JSON`

interface SoakOptions {
  requests: number
  concurrency: number
  maxSeconds: number
  faultRate: number
  seed: number
  maxHttpRequests?: number
  jsonPath?: string
}

function parseOptions(argv: string[]): SoakOptions {
  const options: SoakOptions = { requests: 1_000_000, concurrency: 64, maxSeconds: 900, faultRate: FAULT_RATE, seed: 1 }
  const positive = (text: string, flag: string, isInteger = true) => {
    const value = Number(text.replaceAll('_', '').replaceAll(',', ''))
    if (!(value > 0) || (isInteger && !Number.isInteger(value))) throw new Error(`${flag}: expected a positive number, got "${text}"\n${USAGE}`)
    return value
  }
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]
    const value = () => argv[++index] ?? ''
    if (flag === '--requests') options.requests = positive(value(), flag)
    else if (flag === '--concurrency') options.concurrency = positive(value(), flag)
    else if (flag === '--max-seconds') options.maxSeconds = positive(value(), flag, false)
    else if (flag === '--fault-rate') options.faultRate = Math.min(1, positive(value(), flag, false))
    else if (flag === '--seed') options.seed = positive(value(), flag)
    else if (flag === '--max-http-requests') options.maxHttpRequests = positive(value(), flag)
    else if (flag === '--json') options.jsonPath = value()
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else throw new Error(`unknown flag ${flag}\n${USAGE}`)
  }
  return options
}

const log = (line: string) => console.error(`[soak] ${line}`)
const STARTUP_TIMEOUT_MS = 15_000
const REQUEST_TIMEOUT_MS = 30_000
const SAMPLE_EVERY_MS = 500
const PRINT_EVERY_MS = 5_000
/** Below this many requests the second half still holds llmux's warm-up, so the flat check says little. */
const FLAT_CHECK_MIN_REQUESTS = 200_000
const MARK_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1]
const PROVIDERS = ['soak_a', 'soak_b', 'soak_c']

function llmuxConfig(port: number, upstreamUrl: string, storePath: string): string {
  const providers = PROVIDERS.map((name) => `[provider.${name}]\ntype = "openai"\nbase_url = "${upstreamUrl}/v1"\napi_key = "soak-key-${name}"\n`)
  const backends = PROVIDERS.map((name) => `[[backend]]\nmodel = "${name}:bench-model"\ncontext = 200000\n`)
  return `host = "127.0.0.1"
port = ${port}
store = "${storePath}"
log_level = "error"
routing = "weighted"
max_retries = 2
cooldown = 0

${providers.join('\n')}
${backends.join('\n')}`
}

interface Sample {
  elapsedS: number
  requests: number
  rssMb: number
  /** llmux's CPU time since the load began. */
  cpuMs: number
  /** CPU time of every process on the machine but llmux, the upstream and this client, since the load began. */
  otherCpuMs: number
}

type Outcome = 'answer' | 'error' | 'malformed' | 'transport'

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** Least-squares slope of RSS over requests, in MB per 100k requests. */
function slopePer100k(samples: Sample[]): number | undefined {
  if (samples.length < 3) return undefined
  const meanX = samples.reduce((sum, s) => sum + s.requests, 0) / samples.length
  const meanY = samples.reduce((sum, s) => sum + s.rssMb, 0) / samples.length
  let covariance = 0
  let variance = 0
  for (const s of samples) {
    covariance += (s.requests - meanX) * (s.rssMb - meanY)
    variance += (s.requests - meanX) ** 2
  }
  return variance === 0 ? undefined : (covariance / variance) * 100_000
}

async function soak(options: SoakOptions) {
  const workDir = mkdtempSync(join(tmpdir(), 'llmux-soak-'))
  const storePath = join(workDir, 'soak.db')
  const running: ServerProcess[] = []
  try {
    const upstreamPort = freePort()
    const upstream = await spawnServer({
      name: 'fault upstream',
      command: [process.execPath, join(import.meta.dir, 'fault-upstream.ts'), '--port', String(upstreamPort), '--seed', String(options.seed), '--fault-rate', String(options.faultRate)],
      port: upstreamPort,
      timeoutMs: STARTUP_TIMEOUT_MS,
      probe: async (baseUrl) => (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })).ok,
    })
    running.push(upstream)

    const port = freePort()
    const configPath = join(workDir, 'soak.toml')
    writeFileSync(configPath, llmuxConfig(port, upstream.baseUrl, storePath))
    const probeRequest = targetRequest('llmux', SCENARIOS[0])
    let probesAnswered = 0
    const llmux = await spawnServer({
      name: 'llmux',
      command: [process.execPath, LLMUX_ENTRY, 'start', '--config', configPath],
      port,
      env: options.maxHttpRequests ? { BUN_CONFIG_MAX_HTTP_REQUESTS: String(options.maxHttpRequests) } : {},
      timeoutMs: STARTUP_TIMEOUT_MS,
      probe: async (baseUrl) => {
        const response = await fetch(baseUrl + probeRequest.path, { method: 'POST', headers: probeRequest.headers, body: probeRequest.body, signal: AbortSignal.timeout(2_000) })
        probesAnswered++
        return response.ok && (await response.text()).includes('tok0')
      },
    })
    running.push(llmux)
    log(`fault upstream ${upstream.baseUrl} (pid ${upstream.pid}), llmux ${llmux.baseUrl} (pid ${llmux.pid}, started in ${llmux.startupMs.toFixed(0)} ms), store ${storePath}`)
    log(`${fmt(options.requests)} requests, concurrency ${options.concurrency}, at most ${options.maxSeconds} s, upstream fault rate ${options.faultRate}`)

    const requests = SCENARIOS.map((scenario) => ({ scenario, request: targetRequest('llmux', scenario) }))
    const random = seededRandom(options.seed + 1)
    const outcomes: Record<Outcome, number> = { answer: 0, error: 0, malformed: 0, transport: 0 }
    const errorsBy: Record<string, number> = {}
    const malformedBy: Record<string, number> = {}
    const byDoor: Record<ClientApi, number> = { openai: 0, anthropic: 0, responses: 0 }
    const examples: string[] = []
    let maxAttempts = 0
    let sent = 0
    let done = 0
    let isCutByTime = false

    const startedAt = performance.now()
    const deadline = startedAt + options.maxSeconds * 1000
    const llmuxCpuAtStart = cpuTimeMs(llmux.pid)
    const upstreamCpuAtStart = cpuTimeMs(upstream.pid)
    const clientCpuAtStart = process.cpuUsage()
    const machineAtStart = machineBusyMs()
    const samples: Sample[] = []
    const marks = MARK_FRACTIONS.map((fraction) => Math.max(1, Math.round(options.requests * fraction)))
    const markSamples: Sample[] = []
    const sample = (): Sample => {
      const cpuMs = cpuTimeMs(llmux.pid) - llmuxCpuAtStart
      const client = process.cpuUsage(clientCpuAtStart)
      const ownMs = cpuMs + cpuTimeMs(upstream.pid) - upstreamCpuAtStart + (client.user + client.system) / 1000
      return {
        elapsedS: (performance.now() - startedAt) / 1000,
        requests: done,
        rssMb: processMemory(llmux.pid).rssMb,
        cpuMs,
        otherCpuMs: Math.max(0, machineBusyMs() - machineAtStart - ownMs),
      }
    }
    const idle = sample()

    let lastPrint = idle
    const printLine = (now: Sample) => {
      const windowS = now.elapsedS - lastPrint.elapsedS
      const requests = now.requests - lastPrint.requests
      const rate = windowS > 0 ? requests / windowS : 0
      const cpuPerRequest = requests > 0 ? ((now.cpuMs - lastPrint.cpuMs) * 1000) / requests : 0
      const otherShare = windowS > 0 ? (now.otherCpuMs - lastPrint.otherCpuMs) / (windowS * 1000) : 0
      lastPrint = now
      log(
        `${now.elapsedS.toFixed(0).padStart(4)} s  ${fmt(now.requests).padStart(9)} done  ${fmt(rate).padStart(6)} req/s  RSS ${now.rssMb.toFixed(1)} MB  ` +
          `llmux ${fmt(cpuPerRequest)} µs/req  other procs ${(otherShare * 100).toFixed(0)}% of a core  ` +
          `answers ${fmt(outcomes.answer)}  errors ${fmt(outcomes.error)}  malformed ${outcomes.malformed}  transport ${outcomes.transport}`,
      )
    }
    let lastPrintedAt = startedAt
    const sampler = setInterval(() => {
      const now = sample()
      samples.push(now)
      if (performance.now() - lastPrintedAt >= PRINT_EVERY_MS - SAMPLE_EVERY_MS / 2) {
        lastPrintedAt = performance.now()
        printLine(now)
      }
    }, SAMPLE_EVERY_MS)

    const finish = (outcome: Outcome, detail?: string) => {
      outcomes[outcome]++
      done++
      if (detail && examples.length < 5) examples.push(detail)
      if (markSamples.length < marks.length && done >= marks[markSamples.length]) markSamples.push(sample())
    }

    const worker = async () => {
      while (sent < options.requests) {
        if (performance.now() >= deadline) {
          isCutByTime = true
          return
        }
        sent++
        const { scenario, request } = requests[Math.floor(random() * 3) * 2 + (random() < 0.5 ? 1 : 0)]
        byDoor[scenario.client]++
        try {
          const response = await fetch(llmux.baseUrl + request.path, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          })
          const text = await response.text()
          maxAttempts = Math.max(maxAttempts, Number(response.headers.get('x-llmux-attempts') ?? 0))
          const verdict = judge(scenario.client, scenario.isStreaming, response.status, text)
          if (verdict === 'error') {
            const key = response.status === 200 ? `${scenario.client} stream error event` : `${response.status}`
            errorsBy[key] = (errorsBy[key] ?? 0) + 1
          }
          if (verdict === 'malformed') malformedBy[scenario.name] = (malformedBy[scenario.name] ?? 0) + 1
          finish(verdict, verdict === 'malformed' ? `malformed (${scenario.name}, ${response.status}): ${text.slice(-400)}` : undefined)
        } catch (error) {
          finish('transport', `transport (${scenario.name}): ${error instanceof Error ? error.message : String(error)}`)
        }
      }
    }
    await Promise.all(Array.from({ length: options.concurrency }, worker))
    clearInterval(sampler)
    const end = sample()
    samples.push(end)
    printLine(end)
    const elapsedS = end.elapsedS
    const clientCpu = process.cpuUsage(clientCpuAtStart)
    const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000
    const upstreamCpuMs = cpuTimeMs(upstream.pid) - upstreamCpuAtStart
    const otherCpuMs = end.otherCpuMs
    const peakRssMb = processMemory(llmux.pid).peakRssMb

    const { served: upstreamServed, cuts } = (await (await fetch(`${upstream.baseUrl}/stats`)).json()) as { served: Record<string, number>; cuts: Record<string, number> }
    await llmux.stop(15_000)
    running.splice(running.indexOf(llmux), 1)
    const llmuxOutput = llmux.output().trim()
    const db = new Database(storePath, { readonly: true })
    const store = db.query<{ rows: number; attempts: number; errors: number }, []>('SELECT COUNT(*) AS rows, SUM(attempts) AS attempts, SUM(status >= 400) AS errors FROM requests').get()!
    db.close()
    const storeBytes = statSync(storePath).size

    // RSS: at each mark, the slope over the second half (least squares over the samples), the growth it implies.
    const half = done / 2
    const secondHalf = samples.filter((s) => s.requests >= half)
    const slope = slopePer100k(secondHalf)
    const midRss = markSamples[2]?.rssMb ?? secondHalf[0]?.rssMb ?? end.rssMb
    const fittedGrowthMb = slope === undefined ? end.rssMb - midRss : (slope * (done - half)) / 100_000
    const rawGrowthMb = end.rssMb - midRss
    const flatBoundMb = Math.max(5, midRss * 0.05)
    const isFlat = fittedGrowthMb < flatBoundMb
    const upstreamTotal = Object.values(upstreamServed).reduce((sum, count) => sum + count, 0)
    const upstreamFaults = upstreamTotal - (upstreamServed.ok ?? 0) - (upstreamServed.slow ?? 0)
    const usageOk = store.rows === done + probesAnswered
    const attemptsOk = store.attempts === upstreamTotal

    const lines = [
      '',
      `## Soak: ${fmt(done)} requests${isCutByTime ? ` (cut at --max-seconds ${options.maxSeconds}, of ${fmt(options.requests)})` : ''}, concurrency ${options.concurrency}`,
      `elapsed ${elapsedS.toFixed(1)} s, ${fmt(done / elapsedS)} req/s; doors: ${fmt(byDoor.openai)} chat completions, ${fmt(byDoor.anthropic)} messages, ${fmt(byDoor.responses)} responses, half streamed`,
      `upstream: ${fmt(upstreamTotal)} attempts served, ${fmt(upstreamFaults)} faults (${((upstreamFaults / upstreamTotal) * 100).toFixed(1)}%): ` +
        Object.entries(upstreamServed).filter(([kind]) => kind !== 'ok').map(([kind, count]) => `${kind} ${fmt(count)}`).join(', ') +
        ` (cuts: ${fmt(cuts.body)} bodies, ${fmt(cuts.streamAtEvent)} streams between events, ${fmt(cuts.streamMidEvent)} inside one)`,
      `outcomes: ${fmt(outcomes.answer)} complete answers, ${fmt(outcomes.error)} errors in protocol (${Object.entries(errorsBy).map(([key, count]) => `${key}: ${fmt(count)}`).join(', ') || 'none'}), ` +
        `${fmt(outcomes.malformed)} malformed${outcomes.malformed ? ` (${Object.entries(malformedBy).map(([key, count]) => `${key}: ${fmt(count)}`).join(', ')})` : ''}, ${outcomes.transport} transport failures`,
      `malformed = 0: ${outcomes.malformed === 0 && outcomes.transport === 0 ? 'yes' : '**NO**'}; most attempts on one request: ${maxAttempts} (max_retries = 2: at most 3)`,
      `store: ${fmt(store.rows)} usage rows for ${fmt(done)} requests + ${probesAnswered} start-up probe(s) (${usageOk ? 'all there' : '**MISMATCH**'}); ` +
        `attempts recorded ${fmt(store.attempts)} vs served upstream ${fmt(upstreamTotal)} (${attemptsOk ? 'equal' : '**differ**'}); soak.db ${(storeBytes / 1e6).toFixed(0)} MB`,
      `llmux RSS (MB): idle ${idle.rssMb.toFixed(1)}, ` + markSamples.map((s) => `${fmt(s.requests)}: ${s.rssMb.toFixed(1)}`).join(', ') + `; peak ${peakRssMb.toFixed(1)}`,
      `RSS over the second half: slope ${slope === undefined ? 'n/a' : `${slope >= 0 ? '+' : ''}${slope.toFixed(2)} MB per 100k requests`} (${secondHalf.length} samples), ` +
        `fitted growth ${fittedGrowthMb >= 0 ? '+' : ''}${fittedGrowthMb.toFixed(1)} MB, measured ${rawGrowthMb >= 0 ? '+' : ''}${rawGrowthMb.toFixed(1)} MB ` +
        `(${midRss.toFixed(1)} → ${end.rssMb.toFixed(1)}): ${isFlat ? 'flat' : '**GROWING**'} (bound ${flatBoundMb.toFixed(1)} MB: 5% or 5 MB)` +
        (done < FLAT_CHECK_MIN_REQUESTS ? `; indicative only below ${fmt(FLAT_CHECK_MIN_REQUESTS)} requests: RSS still warms up over the first ~100k` : ''),
      `CPU µs/request: llmux ${fmt((end.cpuMs * 1000) / done)}, upstream ${fmt((upstreamCpuMs * 1000) / done)}, client ${fmt((clientCpuMs * 1000) / done)}; ` +
        `other processes ${((otherCpuMs / (elapsedS * 1000)) * 100).toFixed(0)}% of a core`,
    ]
    console.log(lines.join('\n'))
    if (examples.length > 0) console.log(`\nfirst failures:\n${examples.map((line) => `- ${line}`).join('\n')}`)
    if (llmuxOutput !== '') console.log(`\nllmux output (tail):\n${llmuxOutput.slice(-1_500)}`)

    if (options.jsonPath) {
      const figures = {
        startedAt: new Date(Date.now() - elapsedS * 1000).toISOString(),
        options,
        requests: done,
        isCutByTime,
        elapsedS,
        requestsPerS: done / elapsedS,
        byDoor,
        outcomes,
        errorsBy,
        malformedBy,
        maxAttempts,
        upstreamServed,
        upstreamCuts: cuts,
        store: { ...store, probesAnswered, bytes: storeBytes },
        rss: { idleMb: idle.rssMb, marks: markSamples, peakMb: peakRssMb, slopeMbPer100k: slope, fittedGrowthMb, rawGrowthMb, isFlat },
        cpuUsPerRequest: { llmux: (end.cpuMs * 1000) / done, upstream: (upstreamCpuMs * 1000) / done, client: (clientCpuMs * 1000) / done },
        otherCpuShare: otherCpuMs / (elapsedS * 1000),
        samples,
      }
      writeFileSync(options.jsonPath, JSON.stringify(figures, null, 2))
      log(`figures written to ${options.jsonPath}`)
    }
    return outcomes.malformed > 0 || outcomes.transport > 0 ? 1 : isCutByTime ? 2 : 0
  } finally {
    for (const server of running) await server.stop()
    rmSync(workDir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  // Exit at once: Bun's idle keep-alive sockets and the requests' timeout timers would hold the loop open.
  process.exit(await soak(parseOptions(process.argv.slice(2))))
}

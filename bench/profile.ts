/**
 * Profiles a gateway under load:
 *   bun bench/profile.ts [--target llmux|forwarder] [--scenario anthropic-stream] [--duration 5s] [--concurrency 16]
 * Starts the mock and the gateway under `bun --cpu-prof --cpu-prof-md`, drives wrk through one
 * scenario, stops the gateway with SIGTERM (which writes the profile) and prints where it went.
 * Profiling the forwarder the same way shows which costs are the runtime's own.
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { launchGateway, startMock, type GatewayName } from './launch.ts'
import { SCENARIOS, targetRequest, type ScenarioName } from './scenarios.ts'
import { ensureWrk, runWrk } from './wrk.ts'

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(name)
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback
}
const scenario = SCENARIOS.find((each) => each.name === (argument('--scenario', 'anthropic-stream') as ScenarioName))
if (scenario === undefined) throw new Error(`--scenario: one of ${SCENARIOS.map((each) => each.name).join(', ')}`)
const target = argument('--target', 'llmux') as GatewayName
const durationS = Number.parseInt(argument('--duration', '5'), 10)
const concurrency = Number(argument('--concurrency', '16'))

ensureWrk()
const profileDir = join(import.meta.dir, 'results', `profile-${target}-${scenario.name}-${Date.now()}`)
mkdirSync(profileDir, { recursive: true })
const mock = await startMock()
const runtimeFlags = ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profileDir}`]
// A short request_timeout: a request wrk cuts at the end may hold llmux's exit until it expires.
const gateway = await launchGateway(target, { mockUrl: mock.baseUrl, workDir: profileDir, env: {}, runtimeFlags, requestTimeoutS: 5 })
try {
  const request = targetRequest(target, scenario)
  const run = { url: gateway.baseUrl + request.path, body: request.body, headers: request.headers, connections: concurrency }
  await runWrk({ ...run, durationS: 1 })
  const result = await runWrk({ ...run, durationS })
  console.log(`${target}, ${scenario.label}, c=${concurrency}: ${result.requestsPerS.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, errors ${result.errorCount}`)
} finally {
  // Writing the profile takes a moment; llmux also drains in-flight requests first.
  await gateway.stop(30_000)
  await mock.stop()
}
console.log(`profile in ${profileDir}: ${readdirSync(profileDir).join(', ')}`)

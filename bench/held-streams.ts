/**
 * The open-streams figure: 1,000 slow streams held at once, first straight at the mock (to show the
 * client side can hold them), then through a fresh instance of each gateway. When a gateway could not
 * open them all with Bun's default fetch limit, an instance with the limit raised is measured too, so
 * the memory figure is known either way.
 */
import type { BenchResults } from './bench-results.ts'
import { launchGateway, type GatewayName, type LaunchOptions } from './launch.ts'
import { measureOpenStreams } from './measure-gateway.ts'
import { openSlowStreams } from './open-slow-streams.ts'
import { SLOW_STREAM_SCENARIOS, targetRequest } from './scenarios.ts'
import type { ServerProcess } from './spawn-server.ts'

const OPEN_DEADLINE_MS = 15_000
const log = (line: string) => console.error(`[bench] ${line}`)

async function checkClientSide(mock: ServerProcess, results: BenchResults) {
  const count = results.options.streamCount
  const requests = SLOW_STREAM_SCENARIOS.map((scenario) => targetRequest('direct', scenario, 'bench-slow'))
  const direct = await openSlowStreams(Number(new URL(mock.baseUrl).port), requests, count, OPEN_DEADLINE_MS)
  direct.closeAll()
  results.directOpenStreams = { requested: count, opened: direct.opened, failed: direct.failed, waiting: direct.waiting }
  log(`mock alone held ${direct.opened}/${count} slow streams open`)
  await Bun.sleep(1_000)
}

/** Opens the streams through a fresh instance of `name` (so the load that follows starts clean), then stops it. */
async function throughFreshInstance(name: GatewayName, launch: LaunchOptions, count: number) {
  const server = await launchGateway(name, launch)
  try {
    return await measureOpenStreams(server, name, count)
  } finally {
    await server.stop()
  }
}

export async function measureHeldStreams(mock: ServerProcess, names: GatewayName[], launch: LaunchOptions, results: BenchResults) {
  const count = results.options.streamCount
  await checkClientSide(mock, results)
  for (const name of names) {
    const figures = results.gateways[name]
    if (figures === undefined) continue
    figures.openStreams = await throughFreshInstance(name, launch, count)
    log(`${name}: ${figures.openStreams.opened}/${count} slow streams open, RSS ${figures.openStreams.memory.rssMb.toFixed(1)} MB`)
    if (figures.openStreams.opened === count || launch.env.BUN_CONFIG_MAX_HTTP_REQUESTS !== undefined) continue
    const maxHttpRequests = Math.max(2048, count * 2)
    const raisedLaunch = { ...launch, env: { ...launch.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(maxHttpRequests) } }
    figures.openStreamsRaisedCap = { ...(await throughFreshInstance(name, raisedLaunch, count)), maxHttpRequests }
    log(`${name} with BUN_CONFIG_MAX_HTTP_REQUESTS=${maxHttpRequests}: ${figures.openStreamsRaisedCap.opened}/${count} open, RSS ${figures.openStreamsRaisedCap.memory.rssMb.toFixed(1)} MB`)
  }
}

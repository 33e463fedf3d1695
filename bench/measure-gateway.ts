/** Start-up time and memory of one gateway process (forwarder or llmux). */
import type { OpenStreamsFigure } from './bench-results.ts'
import { launchGateway, type GatewayName, type LaunchOptions } from './launch.ts'
import { openSlowStreams } from './open-slow-streams.ts'
import { processMemory, type ProcessMemory } from './proc-stats.ts'
import { SLOW_STREAM_SCENARIOS, targetRequest, type TargetName } from './scenarios.ts'
import type { ServerProcess } from './spawn-server.ts'

const SETTLE_MS = 500
const OPEN_DEADLINE_MS = 15_000

/** Starts and stops each gateway `runs` times, alternating, and returns each one's start-up times. */
export async function measureStartups(names: GatewayName[], options: LaunchOptions, runs: number): Promise<Map<GatewayName, number[]>> {
  const startups = new Map<GatewayName, number[]>(names.map((name) => [name, []]))
  for (let run = 0; run < runs; run++) {
    for (const name of names) {
      const server = await launchGateway(name, options)
      startups.get(name)?.push(server.startupMs)
      await server.stop()
    }
  }
  return startups
}

export async function measureIdle(server: ServerProcess): Promise<ProcessMemory> {
  await Bun.sleep(SETTLE_MS)
  return processMemory(server.pid)
}

/** Holds `count` slow streams open through `server` (half OpenAI, half Anthropic), measures, closes. */
export async function measureOpenStreams(server: ServerProcess, target: TargetName, count: number): Promise<OpenStreamsFigure> {
  const requests = SLOW_STREAM_SCENARIOS.map((scenario) => targetRequest(target, scenario, 'bench-slow'))
  const port = Number(new URL(server.baseUrl).port)
  const streams = await openSlowStreams(port, requests, count, OPEN_DEADLINE_MS)
  await Bun.sleep(SETTLE_MS)
  const memory = processMemory(server.pid)
  streams.closeAll()
  await Bun.sleep(SETTLE_MS * 2)
  return { requested: count, opened: streams.opened, failed: streams.failed, waiting: streams.waiting, memory }
}

/** How the bench starts the mock, the bare forwarder and llmux, each in its own process. */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SCENARIOS, targetRequest } from './scenarios.ts'
import { freePort, spawnServer, type ServerProcess } from './spawn-server.ts'

export type GatewayName = 'forwarder' | 'llmux'

const BENCH_DIR = import.meta.dir
export const LLMUX_ENTRY = join(BENCH_DIR, '..', 'bin', 'llmux.ts')
const STARTUP_TIMEOUT_MS = 15_000
const PROBE_TIMEOUT_MS = 2_000

/** Served = answered a real non-streamed chat completion with the mock's content. */
async function probeServed(baseUrl: string): Promise<boolean> {
  const request = targetRequest('forwarder', SCENARIOS[0])
  const response = await fetch(baseUrl + request.path, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  })
  return response.ok && (await response.text()).includes('tok0')
}

export function startMock(): Promise<ServerProcess> {
  const port = freePort()
  const command = [process.execPath, join(BENCH_DIR, 'mock-upstream.ts'), '--port', String(port)]
  return spawnServer({ name: 'mock upstream', command, port, timeoutMs: STARTUP_TIMEOUT_MS, probe: probeServed })
}

function llmuxConfig(port: number, mockUrl: string, requestTimeoutS?: number): string {
  return `host = "127.0.0.1"
port = ${port}
store = "memory"
log_level = "warn"
${requestTimeoutS === undefined ? '' : `request_timeout = ${requestTimeoutS}\n`}
[provider.mock_upstream]
type = "openai"
base_url = "${mockUrl}/v1"
api_key = "bench"

[[backend]]
model = "mock_upstream:bench-model"
context = 200000
`
}

export interface LaunchOptions {
  mockUrl: string
  /** Where llmux's generated config goes. */
  workDir: string
  env: Record<string, string>
  /** Extra flags for the bun runtime itself (e.g. --cpu-prof). */
  runtimeFlags?: string[]
  /** llmux's request_timeout in seconds, when not its default. */
  requestTimeoutS?: number
}

export function launchGateway(name: GatewayName, options: LaunchOptions): Promise<ServerProcess> {
  const port = freePort()
  const bun = [process.execPath, ...(options.runtimeFlags ?? [])]
  let command: string[]
  if (name === 'forwarder') {
    command = [...bun, join(BENCH_DIR, 'bare-forwarder.ts'), '--port', String(port), '--upstream', `${options.mockUrl}/v1`]
  } else {
    const configPath = join(options.workDir, `llmux-${port}.toml`)
    writeFileSync(configPath, llmuxConfig(port, options.mockUrl, options.requestTimeoutS))
    command = [...bun, LLMUX_ENTRY, 'start', '--config', configPath]
  }
  return spawnServer({ name, command, port, env: options.env, timeoutMs: STARTUP_TIMEOUT_MS, probe: probeServed })
}

/** Why llmux cannot be benched, or undefined when it can be tried. */
export function llmuxMissingReason(): string | undefined {
  return existsSync(LLMUX_ENTRY) ? undefined : `${LLMUX_ENTRY} does not exist yet`
}

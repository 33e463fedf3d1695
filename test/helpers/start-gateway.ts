import { parseConfig } from '../../src/config/load-config.ts'
import { silentLogger, type Logger } from '../../src/logger.ts'
import { startServer, type RunningServer, type StartOptions } from '../../src/server/start-server.ts'

/** Starts llmux in process on 127.0.0.1:0 from TOML text (store "memory" unless the text says otherwise). */
export async function startGateway(toml: string, options: StartOptions & { env?: Record<string, string> } = {}): Promise<RunningServer> {
  const text = /^\s*store\s*=/m.test(toml) ? toml : `store = "memory"\n${toml}`
  const withPort = /^\s*port\s*=/m.test(text) ? text : `port = 0\n${text}`
  const config = parseConfig(withPort, options.env ?? {})
  return startServer(config, { logger: options.logger ?? silentLogger, ...options })
}

/** Collects log lines for assertions. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (message: string) => void lines.push(message)
  return { lines, isVerbose: true, isInfo: true, debug: push, info: push, warn: push, error: push }
}

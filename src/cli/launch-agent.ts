import { constants } from 'node:os'
import type { Config } from '../config/config.ts'
import { createLogger } from '../logger.ts'
import { startServer } from '../server/start-server.ts'
import { CliError } from './command.ts'
import { loadCliConfig } from './load-cli-config.ts'
import { agentEnv, codexArgs, codexDefaultModel, llmuxBaseUrl } from './agent-settings.ts'

/** An agent `llmux claude` / `llmux codex` runs: its command name and the env var that overrides it. */
export interface AgentSpec {
  tool: 'claude' | 'codex'
  command: string
  binEnv: string
  product: string
}

export const CLAUDE: AgentSpec = { tool: 'claude', command: 'claude', binEnv: 'LLMUX_CLAUDE_BIN', product: 'Claude Code' }
export const CODEX: AgentSpec = { tool: 'codex', command: 'codex', binEnv: 'LLMUX_CODEX_BIN', product: 'Codex CLI' }

/**
 * Splits `llmux claude …` arguments: a leading `--config/-c FILE` is llmux's, an optional `--` ends
 * llmux's part, everything else goes to the agent unchanged. For Codex, `-c key=value` is Codex's own
 * TOML override, so a `-c` value holding `=` is left to the agent.
 */
export function splitLauncherArgs(args: readonly string[]): { configPath: string; agentArgs: string[] } {
  let configPath = 'config.toml'
  let index = 0
  while (index < args.length) {
    const arg = args[index]
    if (arg === '--') return { configPath, agentArgs: args.slice(index + 1) }
    if (arg.startsWith('--config=')) {
      configPath = arg.slice('--config='.length)
      index += 1
    } else if ((arg === '--config' || arg === '-c') && index + 1 < args.length && !args[index + 1].includes('=')) {
      configPath = args[index + 1]
      index += 2
    } else break
  }
  return { configPath, agentArgs: args.slice(index) }
}

/** What answers on the config's address: llmux itself, nothing, or something else. */
async function probe(baseUrl: string): Promise<'llmux' | 'free' | 'other'> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000), tls: { rejectUnauthorized: false } })
    const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined
    return typeof body?.status === 'string' ? 'llmux' : 'other'
  } catch (error) {
    const code = (error as { code?: string }).code
    return code === 'ConnectionRefused' || code === 'ECONNREFUSED' ? 'free' : 'other'
  }
}

/** The llmux an agent talks to: the running one of the config, or one started here (stop it after). */
export async function ensureLlmux(config: Config): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const baseUrl = llmuxBaseUrl(config)
  const found = await probe(baseUrl)
  if (found === 'llmux') return { baseUrl, stop: async () => {} }
  if (found === 'other') {
    throw new CliError(`${config.host}:${config.port} is taken by something that is not llmux (no answer on ${baseUrl}/health); change port in the config`)
  }
  // Its log goes to stderr, errors only: stdout belongs to the agent (`claude -p --output-format json`).
  const logger = createLogger('error', { write: (line) => process.stderr.write(line) })
  try {
    const running = await startServer(config, { logger })
    return { baseUrl, stop: () => running.stop(2000) }
  } catch (error) {
    throw new CliError(`cannot start llmux on ${config.host}:${config.port}: ${(error as Error).message}`)
  }
}

/** The agent binary: `$LLMUX_<AGENT>_BIN`, else the command on PATH. */
function agentBinary(spec: AgentSpec): string {
  const fromEnv = process.env[spec.binEnv]
  if (fromEnv) return fromEnv
  const found = Bun.which(spec.command)
  if (!found) throw new CliError(`${spec.command} not found on PATH: install ${spec.product}, or set ${spec.binEnv} to its binary`)
  return found
}

/** Runs the agent with inherited stdio; resolves with its exit code (128 + signal when a signal ended it). */
async function runAgent(command: string[], env: Record<string, string | undefined>): Promise<number> {
  let child
  try {
    child = Bun.spawn(command, { env, stdin: 'inherit', stdout: 'inherit', stderr: 'inherit' })
  } catch (error) {
    throw new CliError(`cannot run ${command[0]}: ${(error as Error).message}`)
  }
  // Ctrl-C reaches the agent through the terminal; llmux waits for it to exit, as a shell would.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal === 'SIGINT' ? undefined : signal)
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = signal === 'SIGINT' ? () => {} : forward(signal)
    process.on(signal, handler)
    return () => process.off(signal, handler)
  })
  try {
    const code = await child.exited
    const signal = child.signalCode
    if (typeof signal === 'string') return 128 + (constants.signals[signal] ?? 0)
    if (typeof signal === 'number') return 128 + signal
    return code
  } finally {
    for (const remove of handlers) remove()
  }
}

/** `llmux claude|codex [--config FILE] [--] ARGS…`: the agent's exit code. */
export async function launchAgent(spec: AgentSpec, args: readonly string[]): Promise<number> {
  const { configPath, agentArgs } = splitLauncherArgs(args)
  const config = loadCliConfig(configPath)
  const binary = agentBinary(spec)
  const llmux = await ensureLlmux(config)
  try {
    const command = [binary, ...(spec.tool === 'codex' ? codexArgs(llmux.baseUrl, agentArgs, codexDefaultModel(config)) : agentArgs)]
    return await runAgent(command, { ...process.env, ...agentEnv(spec.tool, config, llmux.baseUrl) })
  } finally {
    await llmux.stop()
  }
}

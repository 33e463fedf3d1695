import type { Config } from '../config/config.ts'

/** The agents llmux can point at itself (SPEC §2: `llmux env`, `llmux claude`, `llmux codex`). */
export type AgentTool = 'claude' | 'codex' | 'openai'
export const AGENT_TOOLS: readonly AgentTool[] = ['claude', 'codex', 'openai']

/** The environment variable Codex reads its llmux key from (`env_key` of the provider block). */
export const CODEX_KEY_ENV = 'LLMUX_API_KEY'
/** A model name Codex knows, so it offers its freeform apply_patch tool (SPEC §2). */
export const CODEX_DEFAULT_MODEL = 'gpt-5.5'

/** Where a client reaches the llmux of this config: a wildcard bind address is reached on loopback. */
export function llmuxBaseUrl(config: Config): string {
  const scheme = config.tls ? 'https' : 'http'
  let host = config.host
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1'
  if (host === '::' || host === '[::]') host = '::1'
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`
  return `${scheme}://${host}:${config.port}`
}

/** The key an agent sends: the config's first token, or `fallback` when llmux asks for none. */
export function agentToken(config: Config, fallback: string): string {
  return config.tokens[0]?.key ?? fallback
}

/** Codex `-c` overrides that define and select the `llmux` provider, never touching the user's config.toml. */
export function codexProviderOverrides(baseUrl: string): string[] {
  const settings = [
    `model_providers.llmux.name="llmux"`,
    `model_providers.llmux.base_url=${JSON.stringify(`${baseUrl}/v1`)}`,
    `model_providers.llmux.wire_api="responses"`,
    `model_providers.llmux.env_key="${CODEX_KEY_ENV}"`,
    `model_providers.llmux.supports_websockets=false`,
    `model_provider="llmux"`,
  ]
  return settings.flatMap((setting) => ['-c', setting])
}

/** Whether Codex arguments already choose a model (`-m`, `--model`, or a `-c model=…` override). */
export function choosesModel(args: readonly string[]): boolean {
  return args.some((arg, index) =>
    arg === '-m' || arg === '--model' || arg.startsWith('--model=') || (arg.startsWith('-m') && arg.length > 2 && !arg.startsWith('--')) ||
    ((args[index - 1] === '-c' || args[index - 1] === '--config') && /^model\s*=/.test(arg)) || /^--config=model\s*=/.test(arg))
}

/** The Codex command line: the provider overrides, a model when the user chose none, then the user's args. */
export function codexArgs(baseUrl: string, userArgs: readonly string[]): string[] {
  // `-c model=…` rather than `-m`: root-level `-c` reaches every subcommand (`exec`, `resume` …), `-m` does not.
  const model = choosesModel(userArgs) ? [] : ['-c', `model=${JSON.stringify(CODEX_DEFAULT_MODEL)}`]
  return [...codexProviderOverrides(baseUrl), ...model, ...userArgs]
}

/** The environment an agent needs on top of the user's. */
export function agentEnv(tool: AgentTool, config: Config, baseUrl = llmuxBaseUrl(config)): Record<string, string> {
  if (tool === 'claude') return { ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: agentToken(config, 'llmux') }
  if (tool === 'openai') return { OPENAI_BASE_URL: `${baseUrl}/v1`, OPENAI_API_KEY: agentToken(config, 'llmux') }
  return { [CODEX_KEY_ENV]: agentToken(config, 'llmux') }
}

/** Shell lines for `llmux env TOOL`: exports, and for Codex how to run it with the llmux provider. */
export function envLines(tool: AgentTool, config: Config): string[] {
  const baseUrl = llmuxBaseUrl(config)
  const exports = Object.entries(agentEnv(tool, config, baseUrl)).map(([name, value]) => `export ${name}=${shellQuote(value)}`)
  if (tool !== 'codex') return exports
  const overrides = codexArgs(baseUrl, []).map((arg) => (arg === '-c' ? arg : shellQuote(arg))).join(' ')
  return [...exports, `# then run: codex ${overrides}`, '# (or `llmux codex`, which does this for you)']
}

/** Quotes a value for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

import type { Config } from '../config/config.ts'
import { CODEX_ROUTED_MODEL, codexCatalog } from '../gateway/codex-catalog.ts'

/** The agents llmux can point at itself (SPEC §2: `llmux env`, `llmux claude`, `llmux codex`). */
export type AgentTool = 'claude' | 'codex' | 'openai'
export const AGENT_TOOLS: readonly AgentTool[] = ['claude', 'codex', 'openai']

/** The environment variable Codex reads its llmux key from (`env_key` of the provider block). */
export const CODEX_KEY_ENV = 'LLMUX_API_KEY'
/** The model `llmux codex` asks for when the user chose none, if llmux's catalog lists it (SPEC §2). */
export const CODEX_DEFAULT_MODEL = CODEX_ROUTED_MODEL

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

/**
 * Codex `-c` overrides that define and select the `llmux` provider, never touching the user's config.toml.
 * `model_catalog_url` makes Codex 0.171 fetch llmux's catalog (`GET /v1/models?client_version=…`, with the
 * `env_key` token) and take it as the whole model list: for a provider whose key comes from `env_key`, Codex
 * fetches a catalog only when the provider has a `model_catalog_url` and the `api_key_model_discovery`
 * feature is on (on by default in 0.171, off by default in earlier releases, so it is set here), and
 * otherwise keeps its bundled catalog (codex-rs models-manager/src/manager.rs, `OpenAiModelsManager::refresh_available_models`).
 */
export function codexProviderOverrides(baseUrl: string): string[] {
  const settings = [
    `model_providers.llmux.name="llmux"`,
    `model_providers.llmux.base_url=${JSON.stringify(`${baseUrl}/v1`)}`,
    `model_providers.llmux.wire_api="responses"`,
    `model_providers.llmux.env_key="${CODEX_KEY_ENV}"`,
    `model_providers.llmux.supports_websockets=false`,
    `model_providers.llmux.model_catalog_url=${JSON.stringify(`${baseUrl}/v1/models`)}`,
    `features.api_key_model_discovery=true`,
    `model_provider="llmux"`,
  ]
  return settings.flatMap((setting) => ['-c', setting])
}

/**
 * The model `llmux codex` picks when the user chose none: one of llmux's catalog, which Codex takes as its
 * whole model list (a name outside it gets no apply_patch tool). CODEX_DEFAULT_MODEL, a plain name llmux
 * routes by its rules, when the catalog lists it (some backend accepts it); else the catalog's first
 * backend id; CODEX_DEFAULT_MODEL again when no backend can serve at all.
 */
export function codexDefaultModel(config: Config): string {
  const routable = config.backends.filter((backend) => !backend.provider.isDisabled && !backend.isEmbeddings)
  const slugs = codexCatalog(routable).models.map((model) => String(model.slug))
  return slugs.includes(CODEX_DEFAULT_MODEL) ? CODEX_DEFAULT_MODEL : (slugs[0] ?? CODEX_DEFAULT_MODEL)
}

/** Whether Codex arguments already choose a model (`-m`, `--model`, or a `-c model=…` override). */
export function choosesModel(args: readonly string[]): boolean {
  return args.some((arg, index) =>
    arg === '-m' || arg === '--model' || arg.startsWith('--model=') || (arg.startsWith('-m') && arg.length > 2 && !arg.startsWith('--')) ||
    ((args[index - 1] === '-c' || args[index - 1] === '--config') && /^model\s*=/.test(arg)) || /^--config=model\s*=/.test(arg))
}

/** The Codex command line: the provider overrides, a model when the user chose none, then the user's args. */
export function codexArgs(baseUrl: string, userArgs: readonly string[], defaultModel = CODEX_DEFAULT_MODEL): string[] {
  // `-c model=…` rather than `-m`: root-level `-c` reaches every subcommand (`exec`, `resume` …), `-m` does not.
  const model = choosesModel(userArgs) ? [] : ['-c', `model=${JSON.stringify(defaultModel)}`]
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
  const overrides = codexArgs(baseUrl, [], codexDefaultModel(config)).map((arg) => (arg === '-c' ? arg : shellQuote(arg))).join(' ')
  return [...exports, `# then run: codex ${overrides}`, '# (or `llmux codex`, which does this for you)']
}

/** Quotes a value for a POSIX shell only when it needs it. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

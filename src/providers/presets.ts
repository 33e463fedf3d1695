import type { AuthStyle, ProviderType } from '../config/config.ts'

/**
 * Defaults for provider names llmux knows (SPEC §9). A `[provider.NAME]` table whose NAME (or `preset`)
 * is listed here needs no `type` or `base_url`. `keyEnv` is the variable the provider's own docs use; it
 * only appears in hints (`api_key = "${OPENAI_API_KEY}"`) and is never read unless the config names it.
 */
export interface Preset {
  type: ProviderType
  /** Undefined when every account has its own URL (Azure): the config must give one. */
  baseUrl?: string
  /** Runs on the user's machine: no key needed, never switched off for lack of one. */
  isLocal: boolean
  keyEnv?: string
}

const cloud = (type: ProviderType, baseUrl: string | undefined, keyEnv: string): Preset =>
  ({ type, baseUrl, isLocal: false, keyEnv })
const local = (type: ProviderType, baseUrl: string): Preset => ({ type, baseUrl, isLocal: true })

export const PRESETS: Readonly<Record<string, Preset>> = {
  openai: cloud('openai', 'https://api.openai.com/v1', 'OPENAI_API_KEY'),
  anthropic: cloud('anthropic', 'https://api.anthropic.com', 'ANTHROPIC_API_KEY'),
  // https://RESOURCE.openai.azure.com/openai: each Azure resource has its own host.
  azure: cloud('azure', undefined, 'AZURE_OPENAI_API_KEY'),
  gemini: cloud('gemini', 'https://generativelanguage.googleapis.com/v1beta', 'GEMINI_API_KEY'),
  groq: cloud('openai', 'https://api.groq.com/openai/v1', 'GROQ_API_KEY'),
  together: cloud('openai', 'https://api.together.xyz/v1', 'TOGETHER_API_KEY'),
  fireworks: cloud('openai', 'https://api.fireworks.ai/inference/v1', 'FIREWORKS_API_KEY'),
  mistral: cloud('openai', 'https://api.mistral.ai/v1', 'MISTRAL_API_KEY'),
  deepseek: cloud('openai', 'https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY'),
  openrouter: cloud('openai', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY'),
  // Perplexity serves /chat/completions at the root, without /v1.
  perplexity: cloud('openai', 'https://api.perplexity.ai', 'PERPLEXITY_API_KEY'),
  // DeepInfra's OpenAI-compatible API lives under /v1/openai, not /v1.
  deepinfra: cloud('openai', 'https://api.deepinfra.com/v1/openai', 'DEEPINFRA_API_KEY'),
  cerebras: cloud('openai', 'https://api.cerebras.ai/v1', 'CEREBRAS_API_KEY'),
  xai: cloud('openai', 'https://api.x.ai/v1', 'XAI_API_KEY'),
  ollama: local('ollama', 'http://127.0.0.1:11434/v1'),
  lmstudio: local('openai', 'http://127.0.0.1:1234/v1'),
  vllm: local('openai', 'http://127.0.0.1:8000/v1'),
}

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS)

export const presetOf = (name: string): Preset | undefined =>
  Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined

/** The header a provider type carries its key in, when it has one; a provider without a key sends none. */
export const AUTH_STYLE_OF_TYPE: Readonly<Record<ProviderType, AuthStyle>> = {
  openai: 'bearer',
  anthropic: 'x-api-key',
  azure: 'api-key',
  gemini: 'x-goog-api-key',
  ollama: 'bearer',
  mock: 'none',
}

import type { ProtocolName } from '../protocols/protocol.ts'

/** The validated configuration. Everything here is checked and defaulted at load; nothing is re-parsed per request. */

export type ProviderType = 'openai' | 'anthropic' | 'azure' | 'gemini' | 'ollama' | 'mock'

/** Which OpenAI API an openai-type provider or backend speaks: Chat Completions or Responses. */
export type OpenAIApi = 'chat' | 'responses'
export const OPENAI_APIS: readonly OpenAIApi[] = ['chat', 'responses']

/** How the key reaches the provider. */
export type AuthStyle = 'bearer' | 'x-api-key' | 'api-key' | 'x-goog-api-key' | 'none'

export interface ProviderConfig {
  name: string
  type: ProviderType
  /** Without a trailing slash, e.g. "https://api.openai.com/v1". Empty for mock. */
  baseUrl: string
  apiKey?: string
  authStyle: AuthStyle
  /** Extra headers sent with every request to this provider. */
  headers: Record<string, string>
  /** Azure only. */
  apiVersion?: string
  /** openai-type providers: which OpenAI API its backends speak (SPEC §3); absent for other types. */
  api?: OpenAIApi
  /** A known cloud provider whose key resolved to empty: kept for `llmux check`, never routed to. */
  isDisabled: boolean
  disabledReason?: string
}

export type Trait = 'tools' | 'long' | 'code' | 'short' | 'background'
export const TRAITS: readonly Trait[] = ['tools', 'long', 'code', 'short', 'background']

export interface RateLimits {
  maxPerMinute?: number
  maxPerHour?: number
  maxPer5Hours?: number
  maxPerDay?: number
}

export interface Prices {
  /** USD per million tokens. */
  input?: number
  output?: number
  cacheRead?: number
  /** Five-minute cache writes (Anthropic: 1.25× input). */
  cacheWrite?: number
  /** One-hour cache writes (Anthropic: 2× input). */
  cacheWrite1h?: number
}

export interface KeyEdits {
  /** Top-level (or one dotted level down) body keys renamed on the way to this backend. */
  rename: Record<string, string>
  delete: string[]
  add: Record<string, unknown>
}

export interface BackendConfig {
  /** "provider:model" exactly as written; unique. Used as the backend's id everywhere. */
  id: string
  /** Position in the config file (0-based), for messages like backend[2]. */
  index: number
  provider: ProviderConfig
  /** The model name sent upstream (everything after the first colon). */
  model: string
  /** The wire protocol of this backend, from its provider's type and the `api` of either (SPEC §3). */
  protocol: ProtocolName
  context: number
  vision: boolean
  thinking: boolean
  limits: RateLimits
  /** Compiled at load from `model_match` (picomatch, case-insensitive); undefined when the backend has none. */
  matchesModel?: (model: string) => boolean
  modelMatch: string[]
  when: Trait[]
  weight: number
  isFallback: boolean
  prices: Prices
  keyEdits: KeyEdits
  /** Serves /v1/embeddings (and never chat). */
  isEmbeddings: boolean
  /** Seconds this backend rests after a retryable failure; defaults to the top-level cooldown. */
  cooldownMs: number
  /** Its answers may be kept and served by the answer cache (`cache = false` turns that off). */
  isCacheable: boolean
}

/** `[cache]` (SPEC §8): identical requests within `ttlMs` are answered from the store. */
export interface AnswerCacheConfig {
  ttlMs: number
  maxEntries: number
}

export interface ClientToken {
  name: string
  key: string
  dailyBudget?: number
  monthlyBudget?: number
  maxPerMinute?: number
  maxPerHour?: number
}

export interface TlsConfig {
  keyFile: string
  certFile: string
  caFile?: string
}

export interface Config {
  host: string
  port: number
  requestTimeoutMs: number
  streamIdleTimeoutMs: number
  maxRetries: number
  cooldownMs: number
  routing: 'ordered' | 'weighted'
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** "memory", a SQLite file path, or a redis:// URL. */
  store: string
  /** A redis store that cannot be reached: "open" serves on local state, "closed" answers 503 (SPEC §12). */
  storeFailure: 'open' | 'closed'
  /** Keep a session on the backend that served it last (SPEC §5), for prompt-cache hits. */
  isAffinityOn: boolean
  /** How long a session's backend is remembered after its last request. */
  affinityTtlMs: number
  maxBodyBytes: number
  /** Chat Completions and Responses clients reaching an Anthropic backend get prompt-cache breakpoints (SPEC §8). */
  addsCacheBreakpoints: boolean
  /** Present only when the config has a `[cache]` table: the answer cache is off without one. */
  answerCache?: AnswerCacheConfig
  tls?: TlsConfig
  providers: Record<string, ProviderConfig>
  backends: BackendConfig[]
  tokens: ClientToken[]
}

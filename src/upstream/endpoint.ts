import type { ProviderConfig } from '../config/config.ts'

/** The default Messages API version sent when the client named none (https://docs.anthropic.com/en/api/versioning). */
const ANTHROPIC_VERSION = '2023-06-01'

export type Endpoint = 'chat' | 'embeddings' | 'completions' | 'count_tokens'

/**
 * Headers sent with every request to a provider, built once at start-up: content type, its auth header
 * and its configured extra headers. Per request only the client's anthropic-version / anthropic-beta are added.
 */
export function baseHeadersOf(provider: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const key = provider.apiKey
  if (key) {
    if (provider.authStyle === 'bearer') headers.authorization = `Bearer ${key}`
    else if (provider.authStyle === 'x-api-key') headers['x-api-key'] = key
    else if (provider.authStyle === 'api-key') headers['api-key'] = key
    else if (provider.authStyle === 'x-goog-api-key') headers['x-goog-api-key'] = key
  }
  if (provider.type === 'anthropic') headers['anthropic-version'] = ANTHROPIC_VERSION
  return { ...headers, ...provider.headers }
}

/** Adds what an Anthropic upstream must see from the client: its API version and its beta list. */
export function withClientHeaders(base: Record<string, string>, provider: ProviderConfig, client: Headers): Record<string, string> {
  if (provider.type !== 'anthropic') return base
  const version = client.get('anthropic-version')
  const beta = client.get('anthropic-beta')
  if (!version && !beta) return base
  const headers = { ...base }
  if (version) headers['anthropic-version'] = version
  if (beta) headers['anthropic-beta'] = beta
  return headers
}

/** The upstream URL for a call. Azure and Gemini build theirs in src/providers/. */
export function urlOf(provider: ProviderConfig, endpoint: Endpoint): string {
  const base = provider.baseUrl
  if (provider.type === 'anthropic') {
    const root = base.endsWith('/v1') ? base : `${base}/v1`
    return endpoint === 'count_tokens' ? `${root}/messages/count_tokens` : `${root}/messages`
  }
  if (endpoint === 'embeddings') return `${base}/embeddings`
  if (endpoint === 'completions') return `${base}/completions`
  return `${base}/chat/completions`
}

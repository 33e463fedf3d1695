import type { OpenAIApi, ProviderConfig } from '../config/config.ts'
import type { ProtocolName } from '../protocols/protocol.ts'

/**
 * The wire protocol a backend speaks upstream: its provider's type, and for openai-type providers the
 * `api` of the backend or else of the provider (Chat Completions unless one says "responses"). The mock
 * provider answers in Chat Completions format, in process.
 */
export function backendProtocolOf(provider: Pick<ProviderConfig, 'type' | 'api'>, backendApi?: OpenAIApi): ProtocolName {
  if (provider.type === 'anthropic') return 'anthropic'
  if (provider.type === 'gemini') return 'gemini'
  return (backendApi ?? provider.api) === 'responses' ? 'responses' : 'openai'
}

import type { ProviderType } from '../config/config.ts'

/** The wire protocol a provider speaks upstream. The mock provider answers in OpenAI's format, in process. */
export type BackendProtocol = 'openai' | 'anthropic' | 'gemini'

export const backendProtocolOf = (type: ProviderType): BackendProtocol =>
  type === 'anthropic' ? 'anthropic' : type === 'gemini' ? 'gemini' : 'openai'

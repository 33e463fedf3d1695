import type { BackendConfig } from '../config/config.ts'
import { urlOf } from '../upstream/endpoint.ts'

/** The chat URL of a backend. */
export function upstreamUrlOf(backend: BackendConfig, isStreaming: boolean): string {
  void isStreaming // Gemini and Azure URLs depend on it and on the model; wired with their providers.
  return urlOf(backend.provider, 'chat')
}

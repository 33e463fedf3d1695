import type { BackendConfig } from '../config/config.ts'
import { azureChatUrl, azureCompletionsUrl, azureEmbeddingsUrl } from '../providers/azure.ts'
import { geminiEmbeddingsUrl, geminiUrl } from '../providers/gemini.ts'
import { type Endpoint, urlOf } from '../upstream/endpoint.ts'

/** The URL of one call to a backend: Gemini and Azure put the model (deployment) in the path. */
export function upstreamUrlOf(backend: BackendConfig, endpoint: Endpoint, isStreaming: boolean): string {
  const { provider, model } = backend
  if (provider.type === 'gemini') {
    return endpoint === 'embeddings' ? geminiEmbeddingsUrl(provider.baseUrl, model) : geminiUrl(provider.baseUrl, model, isStreaming)
  }
  if (provider.type === 'azure') {
    if (endpoint === 'embeddings') return azureEmbeddingsUrl(provider.baseUrl, model, provider.apiVersion)
    if (endpoint === 'completions') return azureCompletionsUrl(provider.baseUrl, model, provider.apiVersion)
    return azureChatUrl(provider.baseUrl, model, provider.apiVersion)
  }
  // A backend that speaks the Responses API is reached at its /responses endpoint (SPEC §7.2).
  if (endpoint === 'chat' && backend.protocol === 'responses') return `${provider.baseUrl}/responses`
  return urlOf(provider, endpoint)
}

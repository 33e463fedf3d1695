/**
 * Where an Azure OpenAI deployment lives (https://learn.microsoft.com/azure/ai-foundry/openai/reference).
 * Azure speaks OpenAI's wire format, but the deployment is in the path, the version in `api-version`,
 * and the key in an `api-key` header.
 */

/**
 * The newest GA version of the dated data-plane inference API ("API specs" table of the reference above;
 * later releases moved to the undated /openai/v1 API). Features that only preview versions have (newer
 * reasoning parameters, for one) need `api_version` in the config.
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21'

/** https://RESOURCE.openai.azure.com, whether the config wrote it with the `/openai` segment or without. */
const resourceRootOf = (baseUrl: string): string => baseUrl.replace(/\/+$/, '').replace(/\/openai$/, '')

function deploymentUrl(baseUrl: string, deployment: string, operation: string, apiVersion: string): string {
  const path = `/openai/deployments/${encodeURIComponent(deployment)}/${operation}`
  return `${resourceRootOf(baseUrl)}${path}?api-version=${encodeURIComponent(apiVersion)}`
}

export function azureChatUrl(baseUrl: string, deployment: string, apiVersion = AZURE_DEFAULT_API_VERSION): string {
  return deploymentUrl(baseUrl, deployment, 'chat/completions', apiVersion)
}

export function azureEmbeddingsUrl(baseUrl: string, deployment: string, apiVersion = AZURE_DEFAULT_API_VERSION): string {
  return deploymentUrl(baseUrl, deployment, 'embeddings', apiVersion)
}

/** No key, no header. */
export function azureAuthHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined || apiKey === '' ? {} : { 'api-key': apiKey }
}

/** Legacy completions on a deployment (the same URL scheme as chat). */
export function azureCompletionsUrl(baseUrl: string, deployment: string, apiVersion = AZURE_DEFAULT_API_VERSION): string {
  return deploymentUrl(baseUrl, deployment, 'completions', apiVersion)
}

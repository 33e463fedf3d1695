/**
 * Where a Gemini backend lives (https://ai.google.dev/api/generate-content#endpoint). `baseUrl` is the
 * API root with its version, e.g. https://generativelanguage.googleapis.com/v1beta. The wire format itself
 * is in protocols/gemini.
 */

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '')

/** `models/<model>`; a name that already carries its collection (models/…, tunedModels/…) stays as it is. */
function modelPathOf(model: string): string {
  const path = model.includes('/') ? model : `models/${model}`
  return path.split('/').map(encodeURIComponent).join('/')
}

/** generateContent, or streamGenerateContent with alt=sse (without it Gemini streams one JSON array). */
export function geminiUrl(baseUrl: string, model: string, isStreaming: boolean): string {
  const base = `${withoutTrailingSlash(baseUrl)}/${modelPathOf(model)}`
  return isStreaming ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`
}

export function geminiEmbeddingsUrl(baseUrl: string, model: string): string {
  return `${withoutTrailingSlash(baseUrl)}/${modelPathOf(model)}:batchEmbedContents`
}

/** The key goes in x-goog-api-key, never in a ?key= query (URLs end up in logs). No key, no header. */
export function geminiAuthHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined || apiKey === '' ? {} : { 'x-goog-api-key': apiKey }
}

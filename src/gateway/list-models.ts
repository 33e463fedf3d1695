import type { BackendConfig } from '../config/config.ts'

/**
 * GET /v1/models: the names a client may ask for — every routable backend's "provider:model" id (which
 * routes to it first) and its plain model name. OpenAI list shape, or Anthropic's when the client sent
 * `anthropic-version` (SPEC §4).
 */
export function listModels(backends: readonly BackendConfig[], isAnthropic: boolean): Record<string, unknown> {
  const seen = new Set<string>()
  const entries: { id: string; owner: string }[] = []
  for (const backend of backends) {
    for (const id of [backend.id, backend.model]) {
      if (seen.has(id)) continue
      seen.add(id)
      entries.push({ id, owner: backend.provider.name })
    }
  }
  if (!isAnthropic) {
    return { object: 'list', data: entries.map(({ id, owner }) => ({ id, object: 'model', created: 0, owned_by: owner })) }
  }
  const data = entries.map(({ id }) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }))
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }
}

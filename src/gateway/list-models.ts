import type { BackendConfig } from '../config/config.ts'

/**
 * GET /v1/models: the names a client may ask for — every routable backend's "provider:model" id, which
 * routes to that backend first (a plain model name would not: it goes through normal routing). OpenAI
 * list shape, or Anthropic's when the client sent `anthropic-version` (SPEC §4).
 */
export function listModels(backends: readonly BackendConfig[], isAnthropic: boolean): Record<string, unknown> {
  const entries = backends.map((backend) => ({ id: backend.id, owner: backend.provider.name }))
  if (!isAnthropic) {
    return { object: 'list', data: entries.map(({ id, owner }) => ({ id, object: 'model', created: 0, owned_by: owner })) }
  }
  const data = entries.map(({ id }) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' }))
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }
}

// Ids as Anthropic writes and accepts them.

/** Anthropic message ids start with "msg_"; ids from other upstreams get the prefix. */
export function messageIdOf(id: string | undefined): string {
  if (id === undefined || id === '') return 'msg_llmux'
  return id.startsWith('msg_') ? id : `msg_${id}`
}

const validToolId = /^[a-zA-Z0-9_-]+$/

/**
 * Anthropic rejects tool_use ids outside ^[a-zA-Z0-9_-]+$ (some OpenAI-compatible servers write ids like
 * "functions.get_weather:0"). Others are rewritten deterministically, so a tool_use and its tool_result
 * still match; the hash of the original keeps two ids that differ only in replaced characters apart.
 */
export function sanitizeToolId(id: string): string {
  if (validToolId.test(id)) return id
  return `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}_${fnv1a(id)}`
}

/** FNV-1a, 32 bits, as 8 hex digits: stable across runs and processes. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

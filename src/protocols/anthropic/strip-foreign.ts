import { isMarker } from '../../ir/signature.ts'

/**
 * Thinking blocks whose signature llmux marked as foreign (reasoning from another provider) would be
 * rejected by a real Anthropic backend: removed from the client's body before passthrough (SPEC §7.1).
 */
export function stripForeign(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body
  const messages = body.messages.flatMap((message: unknown) => {
    if (typeof message !== 'object' || message === null) return [message]
    const content = (message as { content?: unknown }).content
    if (!Array.isArray(content)) return [message]
    const kept = content.filter((block: unknown) => {
      const b = block as { type?: unknown; signature?: unknown }
      return !(b?.type === 'thinking' && typeof b.signature === 'string' && isMarker(b.signature))
    })
    if (kept.length === content.length) return [message]
    // A turn that held only foreign thinking goes entirely: Anthropic rejects empty content.
    return kept.length === 0 ? [] : [{ ...message, content: kept }]
  })
  return { ...body, messages }
}

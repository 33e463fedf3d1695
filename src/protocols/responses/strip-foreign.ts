import { isMarker } from '../../ir/signature.ts'
import { COMPACTION_HEADING, openCompaction } from './compaction.ts'

/**
 * What a Responses backend could not read, removed from a Responses client's body before passthrough
 * (SPEC §7.2): reasoning items whose encrypted_content is llmux's marker for another origin (an
 * Anthropic signature, say) are dropped, and compaction items llmux sealed open into the summary
 * message they stand for. OpenAI's own items pass untouched.
 */
export function stripForeign(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.input)) return body
  let isChanged = false
  const input = body.input.flatMap((item: unknown) => {
    const encrypted = (item as { encrypted_content?: unknown } | null)?.encrypted_content
    if (typeof encrypted !== 'string' || !isMarker(encrypted)) return [item]
    isChanged = true
    if ((item as { type?: unknown }).type !== 'compaction') return []
    const summary = openCompaction(encrypted)
    return summary === undefined ? [] : [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `${COMPACTION_HEADING}\n${summary}` }] }]
  })
  return isChanged ? { ...body, input } : body
}

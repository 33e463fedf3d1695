import type { StopReason } from '../../ir/index.ts'

/** Finish reasons that mean a filter withheld the answer (https://ai.google.dev/api/generate-content#FinishReason). */
const FILTERED: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
])

/**
 * candidates[0].finishReason as an IR stop reason. Gemini ends a turn that calls functions with STOP, so
 * the presence of a call decides tool_use. STOP also covers a matched stop sequence, without saying which:
 * end_turn. The rest (OTHER, MALFORMED_FUNCTION_CALL, …) ended the answer for reasons the IR cannot name.
 */
export function decodeStopReason(finishReason: string | undefined, hasToolCall: boolean): StopReason {
  if (finishReason === 'MAX_TOKENS') return 'max_tokens'
  if (finishReason !== undefined && FILTERED.has(finishReason)) return 'content_filter'
  return hasToolCall ? 'tool_use' : 'end_turn'
}

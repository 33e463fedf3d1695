import { GatewayError } from '../../errors.ts'
import type { ChatResponse } from '../../ir/index.ts'
import { isObject, objectOrUndefined, objectsOf, stringOrUndefined } from './narrow.ts'
import { decodeParts } from './parts.ts'
import { decodeStopReason } from './stop-reason.ts'
import { decodeUsage } from './usage.ts'

/** Used when Gemini sends no responseId (current versions always do). */
export const FALLBACK_RESPONSE_ID = 'gemini-response'

/** promptFeedback.blockReason: the prompt itself was blocked, and no candidate came back. */
export const blockReasonOf = (body: Record<string, unknown>): string | undefined =>
  stringOrUndefined(objectOrUndefined(body.promptFeedback)?.blockReason)

/**
 * A generateContent response as an IR response (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse).
 * llmux asks for one candidate, so only candidates[0] is read. safetyRatings, citationMetadata,
 * groundingMetadata and avgLogprobs have no IR home: dropped.
 */
export function decodeResponse(body: unknown): ChatResponse {
  if (!isObject(body)) throw new GatewayError('bad_gateway', 'Gemini answered with something other than a JSON object')
  const candidate = objectsOf(body.candidates)[0]
  const blockReason = blockReasonOf(body)
  if (candidate === undefined && blockReason === undefined) {
    throw new GatewayError('bad_gateway', 'Gemini answered without a candidate')
  }
  const responseId = stringOrUndefined(body.responseId)
  const content = decodeParts(objectsOf(objectOrUndefined(candidate?.content)?.parts), responseId)
  const hasToolCall = content.some((part) => part.type === 'tool_call')
  return {
    id: responseId ?? FALLBACK_RESPONSE_ID,
    model: stringOrUndefined(body.modelVersion) ?? '',
    content,
    stopReason:
      candidate === undefined ? 'content_filter' : decodeStopReason(stringOrUndefined(candidate.finishReason), hasToolCall),
    usage: decodeUsage(body.usageMetadata) ?? {},
  }
}

import type { Usage } from '../../ir/usage.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { isObject, numberOrUndefined, parseJson } from './narrow.ts'

function sumOfReported(...counts: (number | undefined)[]): number | undefined {
  const reported = counts.filter((count) => count !== undefined)
  return reported.length === 0 ? undefined : reported.reduce((sum, count) => sum + count, 0)
}

/**
 * usageMetadata in the IR's terms (https://ai.google.dev/api/generate-content#UsageMetadata).
 * - promptTokenCount includes cachedContentTokenCount; the IR's inputTokens does not, so the cached part
 *   is taken out (nothing to take out when Gemini reports no cache).
 * - Gemini bills thinking at the output price (https://ai.google.dev/gemini-api/docs/pricing) but counts
 *   it apart from candidatesTokenCount: outputTokens is the sum, reasoningTokens the thinking share of it.
 * - toolUsePromptTokenCount counts prompts of Google's built-in tools, which llmux never enables: dropped.
 *   totalTokenCount (the sum) and the per-modality details have no IR field: dropped.
 */
export function decodeUsage(metadata: unknown): Usage | undefined {
  if (!isObject(metadata)) return undefined
  const prompt = numberOrUndefined(metadata.promptTokenCount)
  const cached = numberOrUndefined(metadata.cachedContentTokenCount)
  const thoughts = numberOrUndefined(metadata.thoughtsTokenCount)
  const output = sumOfReported(numberOrUndefined(metadata.candidatesTokenCount), thoughts)
  const usage: Usage = {}
  if (prompt !== undefined) usage.inputTokens = prompt - (cached ?? 0)
  if (output !== undefined) usage.outputTokens = output
  if (cached !== undefined) usage.cacheReadTokens = cached
  if (thoughts !== undefined) usage.reasoningTokens = thoughts
  return Object.keys(usage).length === 0 ? undefined : usage
}

/** Usage of a generateContent response body, or undefined. */
export const usageOfResponse = (body: unknown): Usage | undefined =>
  isObject(body) ? decodeUsage(body.usageMetadata) : undefined

/** Usage carried by one streamGenerateContent event (each chunk repeats the running totals), or undefined. */
export function usageOfEvent(event: SseEvent): Usage | undefined {
  return usageOfResponse(parseJson(event.data))
}

import type { Usage } from '../../ir/usage.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { isObject, numberOrUndefined } from './narrow.ts'
import type { OpenAIUsage } from './wire.ts'

/**
 * OpenAI usage → IR usage. OpenAI's prompt_tokens includes cached (and cache-written) tokens; the IR's
 * inputTokens does not (SPEC §7.1), so they are subtracted and counted apart: cost is never doubled.
 */
export function decodeUsage(value: unknown): Usage {
  if (!isObject(value)) return {}
  const promptDetails = isObject(value.prompt_tokens_details) ? value.prompt_tokens_details : {}
  const completionDetails = isObject(value.completion_tokens_details) ? value.completion_tokens_details : {}
  const prompt = numberOrUndefined(value.prompt_tokens)
  // DeepSeek reports cache hits as a top-level prompt_cache_hit_tokens.
  const cacheRead = numberOrUndefined(promptDetails.cached_tokens) ?? numberOrUndefined(value.prompt_cache_hit_tokens)
  const cacheWrite = numberOrUndefined(promptDetails.cache_write_tokens)
  const usage: Usage = {}
  if (prompt !== undefined) usage.inputTokens = Math.max(0, prompt - (cacheRead ?? 0) - (cacheWrite ?? 0))
  const output = numberOrUndefined(value.completion_tokens)
  if (output !== undefined) usage.outputTokens = output
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite
  const reasoning = numberOrUndefined(completionDetails.reasoning_tokens)
  if (reasoning !== undefined) usage.reasoningTokens = reasoning
  return usage
}

/**
 * IR usage → OpenAI usage. The wire schema requires numbers where the IR may know nothing: an unknown
 * input count falls back to the gateway's estimate (when one is given), an unknown output count to 0.
 */
export function encodeUsage(usage: Usage, estimatedInputTokens?: number): OpenAIUsage {
  const cacheRead = usage.cacheReadTokens ?? 0
  const cacheWrite = usage.cacheWriteTokens ?? 0
  const prompt = (usage.inputTokens ?? estimatedInputTokens ?? 0) + cacheRead + cacheWrite
  const completion = usage.outputTokens ?? 0
  const encoded: OpenAIUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  if (usage.cacheReadTokens !== undefined || usage.cacheWriteTokens !== undefined) {
    encoded.prompt_tokens_details = {}
    if (usage.cacheReadTokens !== undefined) encoded.prompt_tokens_details.cached_tokens = usage.cacheReadTokens
    if (usage.cacheWriteTokens !== undefined) encoded.prompt_tokens_details.cache_write_tokens = usage.cacheWriteTokens
  }
  if (usage.reasoningTokens !== undefined) {
    encoded.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens }
  }
  return encoded
}

/** Later reports win field by field; a field one report leaves out keeps the earlier figure. */
export function mergeUsage(earlier: Usage | undefined, later: Usage | undefined): Usage | undefined {
  if (earlier === undefined) return later
  if (later === undefined) return earlier
  const merged: Usage = { ...earlier }
  for (const [key, value] of Object.entries(later) as [keyof Usage, number | undefined][]) {
    if (value !== undefined) merged[key] = value
  }
  return merged
}

export function usageOfResponse(body: unknown): Usage | undefined {
  return isObject(body) && isObject(body.usage) ? decodeUsage(body.usage) : undefined
}

/**
 * Usage carried by one stream chunk. Passthrough calls this on every chunk, and with include_usage
 * every chunk says `"usage":null`, so the JSON is parsed only when a usage object follows the key.
 */
export function usageOfEvent(event: SseEvent): Usage | undefined {
  const data = event.data
  const key = data.indexOf('"usage"')
  if (key === -1) return undefined
  let at = key + '"usage"'.length
  while (data[at] === ' ' || data[at] === ':') at++
  if (data[at] !== '{') return undefined
  try {
    return usageOfResponse(JSON.parse(data))
  } catch {
    return undefined
  }
}

// Responses usage ↔ IR usage. Like Chat Completions, input_tokens includes cached tokens; the IR's
// inputTokens does not (SPEC §7.1), so they are subtracted and counted apart: cost is never doubled.
import type { Usage } from '../../ir/usage.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { isObject, numberOr } from '../read-json.ts'
import type { ResponsesUsage } from './wire.ts'

export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined
  const inputDetails = isObject(value.input_tokens_details) ? value.input_tokens_details : {}
  const outputDetails = isObject(value.output_tokens_details) ? value.output_tokens_details : {}
  const input = numberOr(value.input_tokens)
  const cacheRead = numberOr(inputDetails.cached_tokens)
  const cacheWrite = numberOr(inputDetails.cache_write_tokens)
  const usage: Usage = {}
  if (input !== undefined) usage.inputTokens = Math.max(0, input - (cacheRead ?? 0) - (cacheWrite ?? 0))
  const output = numberOr(value.output_tokens)
  if (output !== undefined) usage.outputTokens = output
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite
  const reasoning = numberOr(outputDetails.reasoning_tokens)
  if (reasoning !== undefined) usage.reasoningTokens = reasoning
  return usage
}

/**
 * IR usage → the wire usage, whose figures are all required numbers: an unknown input count falls back
 * to the gateway's estimate (when one is given), other unknown counts to 0.
 */
export function encodeUsage(usage: Usage, estimatedInputTokens?: number): ResponsesUsage {
  const cacheRead = usage.cacheReadTokens ?? 0
  const cacheWrite = usage.cacheWriteTokens ?? 0
  const input = (usage.inputTokens ?? estimatedInputTokens ?? 0) + cacheRead + cacheWrite
  const output = usage.outputTokens ?? 0
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: input + output,
  }
}

/** Later reports win field by field. */
export function mergeUsage(earlier: Usage | undefined, later: Usage | undefined): Usage | undefined {
  if (earlier === undefined) return later
  if (later === undefined) return earlier
  const merged: Usage = { ...earlier }
  for (const key of Object.keys(later) as (keyof Usage)[]) {
    const value = later[key]
    if (value !== undefined) merged[key] = value
  }
  return merged
}

/** A non-streamed response (`usage`), or a terminal event's data (`response.usage`). */
export function usageOfResponse(body: unknown): Usage | undefined {
  if (!isObject(body)) return undefined
  if (isObject(body.usage)) return decodeUsage(body.usage)
  return isObject(body.response) ? decodeUsage(body.response.usage) : undefined
}

/**
 * Usage carried by one passthrough stream event: only response.completed, .incomplete and .failed have
 * it, so other events (every delta) are not parsed: `"usage":{` must appear before JSON.parse runs.
 */
export function usageOfEvent(event: SseEvent): Usage | undefined {
  const data = event.data
  const key = data.indexOf('"usage"')
  if (key === -1) return undefined
  let at = key + '"usage"'.length
  while (data[at] === ' ' || data[at] === ':') at++
  if (data[at] !== '{') return undefined
  try {
    const parsed: unknown = JSON.parse(data)
    if (!isObject(parsed) || typeof parsed.type !== 'string' || !TERMINAL_TYPES.has(parsed.type)) return undefined
    return usageOfResponse(parsed)
  } catch {
    return undefined
  }
}

export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed'])

// Anthropic usage ↔ IR usage. Both count input without cache tokens, so no conversion is needed.
import type { Usage } from '../../ir/usage.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { isObject } from '../read-json.ts'
import type { AnthropicUsage } from './wire.ts'

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

const sumOf = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0)

/** The usage object's known figures, or undefined when it reports none. */
export function decodeUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined
  const usage: Usage = {}
  const input = count(value.input_tokens)
  const output = count(value.output_tokens)
  const cacheRead = count(value.cache_read_input_tokens)
  // cache_creation splits the writes by lifetime; cache_creation_input_tokens is their total.
  const split = isObject(value.cache_creation) ? value.cache_creation : {}
  const write5m = count(split.ephemeral_5m_input_tokens)
  const write1h = count(split.ephemeral_1h_input_tokens)
  const cacheWrite = count(value.cache_creation_input_tokens) ?? sumOf(write5m, write1h)
  const details = value.output_tokens_details
  const reasoning = isObject(details) ? count(details.thinking_tokens) : undefined
  if (input !== undefined) usage.inputTokens = input
  if (output !== undefined) usage.outputTokens = output
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite
  if (write1h !== undefined) usage.cacheWrite1hTokens = write1h
  if (reasoning !== undefined) usage.reasoningTokens = reasoning
  return Object.keys(usage).length > 0 ? usage : undefined
}

/** The wire usage. input_tokens and output_tokens are required fields, hence 0 when not reported. */
export function encodeUsage(usage: Usage): AnthropicUsage {
  const wire: AnthropicUsage = { input_tokens: usage.inputTokens ?? 0, output_tokens: usage.outputTokens ?? 0 }
  if (usage.cacheWriteTokens !== undefined) wire.cache_creation_input_tokens = usage.cacheWriteTokens
  if (usage.cacheReadTokens !== undefined) wire.cache_read_input_tokens = usage.cacheReadTokens
  // reasoningTokens: Anthropic counts thinking inside output_tokens; the detail is left out. cacheWrite1hTokens:
  // only an Anthropic upstream reports it, and its answers reach Anthropic clients by passthrough.
  return wire
}

/** `later`'s known figures over `earlier`'s (Anthropic's figures are running totals, never increments). */
export function mergeUsage(earlier: Usage | undefined, later: Usage | undefined): Usage {
  const merged: Usage = { ...earlier }
  if (later === undefined) return merged
  for (const key of Object.keys(later) as (keyof Usage)[]) {
    const value = later[key]
    if (value !== undefined) merged[key] = value
  }
  return merged
}

/**
 * Usage carried by a passthrough stream event: message_start (input and cache figures) and message_delta
 * (running totals, output_tokens at least). Other events are not parsed: this runs on every event.
 */
export function usageOfEvent(event: SseEvent): Usage | undefined {
  const name = event.event
  if (name !== undefined && name !== 'message_start' && name !== 'message_delta') return undefined
  if (!event.data.includes('"usage"')) return undefined
  let data: unknown
  try {
    data = JSON.parse(event.data)
  } catch {
    return undefined
  }
  if (!isObject(data)) return undefined
  if (data.type === 'message_start') return isObject(data.message) ? decodeUsage(data.message.usage) : undefined
  return data.type === 'message_delta' ? decodeUsage(data.usage) : undefined
}

export function usageOfResponse(body: unknown): Usage | undefined {
  return isObject(body) ? decodeUsage(body.usage) : undefined
}

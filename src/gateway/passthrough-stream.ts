import { GatewayError } from '../errors.ts'
import type { Usage } from '../ir/usage.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { formatSse } from '../sse/format-sse.ts'
import { type SseEvent, SseParser } from '../sse/parse-sse.ts'
import type { AttemptSignal } from '../upstream/attempt-timers.ts'
import { mergeUsage } from './outcome.ts'
import { relayStream } from './relay-stream.ts'
import type { StreamWatch } from './stream-watch.ts'
import type { UpstreamFailure } from './upstream-failure.ts'

export interface StreamEnd {
  usage: Usage
  isComplete: boolean
  errorMessage?: string
}

export type OpenedStream = { ok: true; body: ReadableStream } | { ok: false; failure: UpstreamFailure }

export interface StreamOptions {
  watch: StreamWatch
  now: () => number
  onEnd: (end: StreamEnd) => void
}

const isTerminal = (protocol: Protocol, event: SseEvent) =>
  protocol.name === 'openai' ? event.data === '[DONE]' : event.event === 'message_stop'

const isErrorEvent = (protocol: Protocol, event: SseEvent) =>
  protocol.name === 'openai' ? event.data.startsWith('{"error"') : event.event === 'error'

/**
 * Whether a chunk of a passthrough stream can hold anything llmux reads (usage, the end, an error).
 * Chunks that cannot, and that end on an event boundary, skip the SSE parser entirely.
 */
const mayMatter = (protocol: Protocol, text: string) =>
  protocol.name === 'openai' ? text.includes('"usage"') || text.includes('[DONE]') || text.includes('"error"') : text.includes('"message_') || text.includes('error')

/** OpenAI's usage-only chunk (`choices: []`), sent because llmux asked for it. */
const isUsageOnly = (event: SseEvent) => event.data.includes('"choices":[]') && event.data.includes('"usage"')

/** A failure before the first event: the attempt can still fail over. */
export const earlyFailure = (attempt: AttemptSignal): UpstreamFailure =>
  attempt.isTimedOut() ? { isTimeout: true, message: 'no first event before request_timeout' } : { isConnectionError: true, message: 'upstream stream failed before its first event' }

/**
 * Same-protocol stream: upstream bytes are forwarded as they arrive; an SSE parser reads usage on the
 * side. Waits for the first event before answering so a failure can still fail over (SPEC §6).
 * With `dropsUsageChunk`, events are re-emitted one by one (same text) without the usage-only chunk.
 */
export async function openPassthroughStream(
  upstream: Response,
  protocol: Protocol,
  attempt: AttemptSignal,
  options: StreamOptions & { dropsUsageChunk?: boolean },
): Promise<OpenedStream> {
  const usage: Usage = {}
  let first: SseEvent | undefined
  let isComplete = false
  let errorMessage: string | undefined
  const reemitted: string[] | undefined = options.dropsUsageChunk ? [] : undefined
  const parser = new SseParser((event) => {
    first ??= event
    if (isTerminal(protocol, event)) isComplete = true
    else mergeUsage(usage, protocol.usageOfEvent(event))
    if (reemitted && !isUsageOnly(event)) reemitted.push(formatSse(event.data, event.event))
  })
  const text = new TextDecoder()
  const chunks = upstream.body![Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  try {
    while (first === undefined) {
      const { done, value } = await chunks.next()
      if (done) break
      head.push(value)
      parser.push(text.decode(value, { stream: true }))
    }
  } catch {
    return { ok: false, failure: earlyFailure(attempt) }
  }
  attempt.disarm()
  if (first === undefined) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  if (isErrorEvent(protocol, first)) {
    const { kind, message } = protocol.decodeError(200, first.data)
    return { ok: false, failure: { status: new GatewayError(kind, message).status, kind, bodyText: first.data, message } }
  }
  const take = () => reemitted!.splice(0).join('')
  const relay = {
    onChunk(chunk: Uint8Array) {
      const decoded = text.decode(chunk, { stream: true })
      if (reemitted) {
        parser.push(decoded)
        return take()
      }
      if (!parser.isBetweenEvents() || !decoded.endsWith('\n\n') || mayMatter(protocol, decoded)) parser.push(decoded)
      return chunk
    },
    onEnd() {
      parser.push(text.decode())
      parser.end()
      const rest = reemitted ? take() : ''
      if (isComplete) return rest
      errorMessage = 'upstream stream ended before it finished'
      return rest + protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
    },
    onError(error: GatewayError) {
      errorMessage = error.message
      return protocol.encodeStreamError(error)
    },
    // Same protocol: the upstream's own keep-alives (Anthropic pings) pass through; none is added.
    onSilence: () => '',
    isDone: () => false,
    onClose() {
      if (isComplete && errorMessage === undefined) attempt.release()
      else attempt.abort()
      options.onEnd({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage })
    },
  }
  return { ok: true, body: relayStream(reemitted ? take() : concat(head), chunks, relay, attempt, options.watch, options.now) }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of parts) {
    joined.set(part, at)
    at += part.length
  }
  return joined
}

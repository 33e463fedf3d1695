import { GatewayError } from '../errors.ts'
import type { Usage } from '../ir/usage.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { formatSse } from '../sse/format-sse.ts'
import { type SseEvent, SseParser } from '../sse/parse-sse.ts'
import type { AttemptSignal } from '../upstream/attempt-signal.ts'
import { withHeartbeat } from './heartbeat.ts'
import { mergeUsage } from './outcome.ts'
import type { UpstreamFailure } from './upstream-failure.ts'

export interface StreamEnd {
  usage: Usage
  isComplete: boolean
  errorMessage?: string
}

export type OpenedStream =
  | { ok: true; body: AsyncGenerator<Uint8Array | string> }
  | { ok: false; failure: UpstreamFailure }

const isTerminal = (protocol: Protocol, event: SseEvent) =>
  protocol.name === 'openai' ? event.data === '[DONE]' : event.event === 'message_stop'

const isErrorEvent = (protocol: Protocol, event: SseEvent) =>
  protocol.name === 'openai' ? event.data.startsWith('{"error"') : event.event === 'error'

/** OpenAI's usage-only chunk (`choices: []`), sent because llmux asked for it. */
const isUsageOnly = (event: SseEvent) => event.data.includes('"choices":[]') && event.data.includes('"usage"')

/**
 * Same-protocol stream: upstream bytes are forwarded as they arrive; an SSE parser reads usage on the
 * side. Waits for the first event before answering so a failure can still fail over (SPEC §6).
 * With `dropsUsageChunk`, events are re-emitted one by one (same text) without the usage-only chunk.
 */
export async function openPassthroughStream(
  upstream: Response,
  protocol: Protocol,
  attempt: AttemptSignal,
  options: { idleMs: number; now: () => number; onEnd: (end: StreamEnd) => void; dropsUsageChunk?: boolean },
): Promise<OpenedStream> {
  const usage: Usage = {}
  let first: SseEvent | undefined
  let isComplete = false
  const reemitted: string[] | undefined = options.dropsUsageChunk ? [] : undefined
  const parser = new SseParser((event) => {
    first ??= event
    if (isTerminal(protocol, event)) isComplete = true
    else mergeUsage(usage, protocol.usageOfEvent(event))
    if (reemitted && !isUsageOnly(event)) reemitted.push(formatSse(event.data, event.event))
  })
  const decoder = new TextDecoder()
  const chunks = upstream.body![Symbol.asyncIterator]()
  const buffered: Uint8Array[] = []
  try {
    while (first === undefined) {
      const { done, value } = await chunks.next()
      if (done) break
      buffered.push(value)
      parser.push(decoder.decode(value, { stream: true }))
    }
  } catch {
    return { ok: false, failure: attempt.isTimedOut() ? { isTimeout: true, message: 'no first event before request_timeout' } : { isConnectionError: true, message: 'upstream stream failed before its first event' } }
  }
  attempt.disarm()
  if (first === undefined) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  if (isErrorEvent(protocol, first)) {
    const { kind, message } = protocol.decodeError(200, first.data)
    return { ok: false, failure: { status: new GatewayError(kind, message).status, bodyText: first.data, message } }
  }
  return { ok: true, body: forward(buffered, chunks) }

  async function* forward(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array | string> {
    let errorMessage: string | undefined
    try {
      if (reemitted) yield* reemitted.splice(0)
      else yield* head
      for await (const chunk of withHeartbeat(rest, { pingMs: options.idleMs, idleMs: options.idleMs, now: options.now })) {
        parser.push(decoder.decode(chunk, { stream: true }))
        if (reemitted) yield* reemitted.splice(0)
        else yield chunk
      }
      parser.end()
      if (reemitted) yield* reemitted.splice(0)
      if (!isComplete) errorMessage = 'upstream stream ended before it finished'
    } catch (error) {
      if (attempt.isClientGone()) return
      errorMessage = error instanceof GatewayError ? error.message : 'upstream stream failed'
    } finally {
      if (isComplete && errorMessage === undefined) attempt.release()
      else attempt.abort()
      options.onEnd({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage })
    }
    if (errorMessage !== undefined) yield protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
  }
}

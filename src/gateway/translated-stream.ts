import { GatewayError, statusOf } from '../errors.ts'
import type { StreamPart } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
import { SseParser } from '../sse/parse-sse.ts'
import type { AttemptSignal } from '../upstream/attempt-signal.ts'
import { withHeartbeat } from './heartbeat.ts'
import { mergeUsage } from './outcome.ts'
import type { OpenedStream, StreamEnd } from './passthrough-stream.ts'

/** Stands for "the upstream was silent for a ping interval" among the upstream's chunks. */
const SILENCE = new Uint8Array(0)

/**
 * Cross-protocol stream: upstream bytes → SSE parser → backend decoder → IR parts → client encoder,
 * all synchronous per network chunk (push transforms), so one upstream chunk becomes one write with no
 * promise hop per event. Waits for the first part before answering so a failure can still fail over
 * (SPEC §6); after that, failures become the client protocol's error event and the stream ends. While
 * the upstream is silent, Anthropic clients get pings (OpenAI encoders drop them).
 */
export async function openTranslatedStream(
  upstream: Response,
  backend: BackendCodec,
  client: Protocol,
  context: StreamContext,
  attempt: AttemptSignal,
  options: { idleMs: number; pingMs: number; now: () => number; onEnd: (end: StreamEnd) => void },
): Promise<OpenedStream> {
  const decoder = backend.streamDecoder()
  const encoder = client.streamEncoder(context)
  const usage: Usage = {}
  let first: StreamPart | undefined
  let isComplete = false
  let errorMessage: string | undefined
  let pending = ''
  const onPart = (part: StreamPart) => {
    first ??= part
    if (part.type === 'usage' || part.type === 'start' || part.type === 'finish') mergeUsage(usage, part.usage)
    else if (part.type === 'error') errorMessage = part.message
    if (part.type === 'finish') isComplete = true
    for (const text of encoder.push(part)) pending += text
  }
  const parser = new SseParser((event) => {
    for (const part of decoder.push(event)) onPart(part)
  })
  const text = new TextDecoder()
  /** The upstream ended (or its decoder is done): flush what the decoder and encoder still owe. */
  const finish = () => {
    if (!decoder.isDone) {
      parser.push(text.decode())
      parser.end()
      for (const part of decoder.end()) onPart(part)
    }
    for (const out of encoder.end()) pending += out
  }
  const chunks = upstream.body![Symbol.asyncIterator]()
  try {
    while (first === undefined) {
      const { done, value } = await chunks.next()
      if (done) {
        finish()
        break
      }
      parser.push(text.decode(value, { stream: true }))
    }
  } catch (error) {
    if (error instanceof GatewayError) return { ok: false, failure: { status: error.status, kind: error.kind, retryAfterMs: error.retryAfterMs, message: error.message } }
    return { ok: false, failure: attempt.isTimedOut() ? { isTimeout: true, message: 'no first event before request_timeout' } : { isConnectionError: true, message: 'upstream stream failed before its first event' } }
  }
  attempt.disarm()
  if (first === undefined) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  if (first.type === 'error') return { ok: false, failure: { status: statusOf[first.kind], kind: first.kind, message: first.message } }
  if (decoder.isDone) finish()

  async function* body(): AsyncGenerator<string> {
    try {
      if (pending !== '') yield take()
      if (decoder.isDone) return
      const heartbeat = { pingMs: Math.min(options.pingMs, options.idleMs), idleMs: options.idleMs, now: options.now, ping: SILENCE }
      for await (const chunk of withHeartbeat(chunks, heartbeat)) {
        if (chunk === SILENCE) onPart({ type: 'ping' })
        else parser.push(text.decode(chunk, { stream: true }))
        if (decoder.isDone) finish()
        if (pending !== '') yield take()
        if (decoder.isDone || encoder.isDone) return
      }
      finish()
      if (pending !== '') yield take()
    } catch (error) {
      if (attempt.isClientGone()) return
      onPart({ type: 'error', kind: error instanceof GatewayError ? error.kind : 'bad_gateway', message: error instanceof GatewayError ? error.message : 'upstream stream failed' })
      if (pending !== '') yield take()
    } finally {
      if (isComplete && errorMessage === undefined) attempt.release()
      else attempt.abort()
      errorMessage ??= isComplete ? undefined : 'upstream stream ended before it finished'
      options.onEnd({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage })
    }
  }
  return { ok: true, body: body() }

  function take(): string {
    const out = pending
    pending = ''
    return out
  }
}

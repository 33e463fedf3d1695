import { GatewayError, statusOf } from '../errors.ts'
import type { StreamPart } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
import { SseParser } from '../sse/parse-sse.ts'
import type { AttemptSignal } from '../upstream/attempt-timers.ts'
import { mergeUsage } from './outcome.ts'
import { earlyFailure, type OpenedStream, type StreamOptions } from './passthrough-stream.ts'
import { relayStream } from './relay-stream.ts'

/**
 * Cross-protocol stream: upstream bytes → SSE parser → backend decoder → IR parts → client encoder,
 * all synchronous per network chunk (push transforms), so one upstream chunk becomes one client write
 * with no promise hop per event. Waits for the first part before answering so a failure can still fail
 * over (SPEC §6); after that, failures become the client protocol's error event and the stream ends.
 * While the upstream is silent, Anthropic clients get pings (OpenAI encoders drop them).
 */
export async function openTranslatedStream(
  upstream: Response,
  backend: BackendCodec,
  client: Protocol,
  context: StreamContext,
  attempt: AttemptSignal,
  options: StreamOptions,
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
  const take = () => {
    const out = pending
    pending = ''
    return out
  }
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
    return { ok: false, failure: earlyFailure(attempt) }
  }
  attempt.disarm()
  if (first === undefined) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  if (first.type === 'error') return { ok: false, failure: { status: statusOf[first.kind], kind: first.kind, message: first.message } }
  if (decoder.isDone) finish()
  const relay = {
    onChunk(chunk: Uint8Array) {
      parser.push(text.decode(chunk, { stream: true }))
      if (decoder.isDone) finish()
      return take()
    },
    onEnd() {
      finish()
      return take()
    },
    onError(error: GatewayError) {
      onPart({ type: 'error', kind: error.kind, message: error.message })
      return take()
    },
    onSilence() {
      onPart({ type: 'ping' })
      return take()
    },
    isDone: () => decoder.isDone || encoder.isDone,
    onClose() {
      errorMessage ??= isComplete ? undefined : 'upstream stream ended before it finished'
      if (isComplete && errorMessage === undefined) attempt.release()
      else attempt.abort()
      options.onEnd({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage })
    },
  }
  return { ok: true, body: relayStream(take(), chunks, relay, attempt, options.watch, options.now) }
}

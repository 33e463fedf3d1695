import { GatewayError, statusOf } from '../errors.ts'
import type { StreamPart } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
import { parseSse } from '../sse/parse-sse.ts'
import type { AttemptSignal } from '../upstream/attempt-signal.ts'
import { withHeartbeat } from './heartbeat.ts'
import { mergeUsage } from './outcome.ts'
import type { OpenedStream, StreamEnd } from './passthrough-stream.ts'

const PING: StreamPart = { type: 'ping' }

/**
 * Cross-protocol stream: upstream SSE → backend decoder → IR parts → client encoder. Waits for the
 * first part before answering so a failure can still fail over (SPEC §6); after that, failures become
 * the client protocol's error event and the stream ends. While the upstream is silent, Anthropic
 * clients get pings (OpenAI encoders drop them).
 */
export async function openTranslatedStream(
  upstream: Response,
  backend: BackendCodec,
  client: Protocol,
  context: StreamContext,
  attempt: AttemptSignal,
  options: { idleMs: number; pingMs: number; now: () => number; onEnd: (end: StreamEnd) => void },
): Promise<OpenedStream> {
  const parts = backend.decodeStream(parseSse(upstream.body!))
  let first: IteratorResult<StreamPart>
  try {
    first = await parts.next()
  } catch {
    return { ok: false, failure: attempt.isTimedOut() ? { isTimeout: true, message: 'no first event before request_timeout' } : { isConnectionError: true, message: 'upstream stream failed before its first event' } }
  }
  attempt.disarm()
  if (first.done) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  if (first.value.type === 'error') {
    return { ok: false, failure: { status: statusOf[first.value.kind], message: first.value.message } }
  }
  const usage: Usage = {}
  let isComplete = false
  let errorMessage: string | undefined

  async function* watched(): AsyncGenerator<StreamPart> {
    try {
      yield first.value
      const rest = withHeartbeat(parts, { pingMs: Math.min(options.pingMs, options.idleMs), idleMs: options.idleMs, now: options.now, ping: PING })
      for await (const part of rest) {
        if (part.type === 'usage' || part.type === 'start' || part.type === 'finish') mergeUsage(usage, part.usage)
        if (part.type === 'finish') isComplete = true
        if (part.type === 'error') errorMessage = part.message
        yield part
      }
    } catch (error) {
      if (attempt.isClientGone()) return
      errorMessage = error instanceof GatewayError ? error.message : 'upstream stream failed'
      yield { type: 'error', kind: error instanceof GatewayError ? error.kind : 'bad_gateway', message: errorMessage }
    }
  }

  async function* body(): AsyncGenerator<string> {
    try {
      yield* client.encodeStream(watched(), context)
    } finally {
      attempt.abort()
      errorMessage ??= isComplete ? undefined : 'upstream stream ended before it finished'
      options.onEnd({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage })
    }
  }
  return { ok: true, body: body() }
}

import { GatewayError, statusOf } from '../../errors.ts'
import type { StreamPart } from '../../ir/index.ts'
import { mergeUsage, type Usage } from '../../ir/usage.ts'
import type { BackendCodec } from '../../protocols/backend-codec.ts'
import type { Protocol, StreamContext } from '../../protocols/protocol.ts'
import { SseParser } from '../../sse/parse-sse.ts'
import type { StreamEnd, StreamTransform } from './open-stream.ts'

/**
 * Cross-protocol stream: upstream bytes → SSE parser → backend decoder → IR parts → client encoder,
 * all synchronous per network chunk (push transforms), so one upstream chunk becomes one client write
 * with no promise hop per event. While the upstream is silent, the client's encoder gets a ping part
 * (Anthropic sends `ping`, Responses a real event, Chat Completions nothing).
 */
export function translatedTransform(backend: BackendCodec, client: Protocol, context: StreamContext): StreamTransform {
  const decoder = backend.streamDecoder()
  const encoder = client.streamEncoder(context)
  const usage: Usage = {}
  let first: StreamPart | undefined
  let isComplete = false
  let isFinished = false
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
  return {
    push(chunk) {
      parser.push(text.decode(chunk, { stream: true }))
      return take()
    },
    hasStarted: () => first !== undefined,
    earlyFailure: () => (first?.type === 'error' ? { status: statusOf[first.kind], kind: first.kind, message: first.message } : undefined),
    /** The upstream ended (or its decoder is done): flush what the decoder and encoder still owe. */
    end() {
      if (isFinished) return take()
      isFinished = true
      if (!decoder.isDone) {
        parser.push(text.decode())
        parser.end()
        for (const part of decoder.end()) onPart(part)
      }
      for (const out of encoder.end()) pending += out
      return take()
    },
    fail(error: GatewayError) {
      onPart({ type: 'error', kind: error.kind, message: error.message, retryAfterMs: error.retryAfterMs })
      return take()
    },
    silence() {
      onPart({ type: 'ping' })
      return take()
    },
    isDone: () => decoder.isDone || encoder.isDone,
    outcome(): StreamEnd {
      errorMessage ??= isComplete ? undefined : 'upstream stream ended before it finished'
      return { usage, isComplete: isComplete && errorMessage === undefined, errorMessage }
    },
  }
}

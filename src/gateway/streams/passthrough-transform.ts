import { GatewayError } from '../../errors.ts'
import { mergeUsage } from '../../ir/usage.ts'
import type { Usage } from '../../ir/usage.ts'
import type { Protocol } from '../../protocols/protocol.ts'
import { formatSse } from '../../sse/format-sse.ts'
import { hasMalformedData, isMalformedValue } from '../../sse/malformed-data.ts'
import { type SseEvent, SseParser } from '../../sse/parse-sse.ts'
import type { StreamEnd, StreamTransform } from './open-stream.ts'

/**
 * Same-protocol stream: upstream bytes are forwarded as they arrive; an SSE parser reads usage, the end
 * and errors on the side, guided by the protocol's probe. Chunks that cannot hold any of them, and that
 * end on an event boundary, skip the parser (a cheap scan still checks that their data lines are JSON).
 * An event that is not JSON ends the stream with the protocol's error event instead of being relayed
 * (before the first event: a failure that can still fail over). With `dropsUsageChunk` (llmux asked for
 * usage the client did not), events are re-emitted one by one (same text) without the usage-only one.
 */
export function passthroughTransform(protocol: Protocol, dropsUsageChunk: boolean): StreamTransform {
  const { probe } = protocol
  const usage: Usage = {}
  let first: SseEvent | undefined
  let isComplete = false
  let errorMessage: string | undefined
  let isBroken = false
  const reemitted: string[] | undefined = dropsUsageChunk ? [] : undefined
  const isUsageOnly = probe.usageRequest?.isUsageOnly
  const parser = new SseParser((event) => {
    if (isMalformedValue(event.data)) isBroken = true
    first ??= event
    if (probe.isTerminal(event)) isComplete = true
    mergeUsage(usage, protocol.usageOfEvent(event))
    if (reemitted && !isUsageOnly?.(event)) reemitted.push(formatSse(event.data, event.event))
  })
  const text = new TextDecoder()
  const take = () => reemitted!.splice(0).join('')
  const broken = (): string => {
    errorMessage = 'the upstream sent a stream event that is not JSON'
    return protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
  }
  return {
    push(chunk) {
      const decoded = text.decode(chunk, { stream: true })
      if (reemitted) {
        parser.push(decoded)
        return isBroken ? broken() : take()
      }
      if (first === undefined || !parser.isBetweenEvents() || !decoded.endsWith('\n\n') || probe.mayMatter(decoded)) parser.push(decoded)
      else if (hasMalformedData(decoded)) isBroken = true
      return isBroken ? broken() : chunk
    },
    hasStarted: () => first !== undefined,
    earlyFailure() {
      if (isBroken) return { status: 502, message: 'the upstream sent a stream event that is not JSON' }
      if (first === undefined || !probe.isError(first)) return undefined
      const { kind, message } = protocol.decodeError(200, first.data)
      return { status: new GatewayError(kind, message).status, kind, bodyText: first.data, message }
    },
    end() {
      if (isBroken) return ''
      parser.push(text.decode())
      parser.end()
      const rest = reemitted ? take() : ''
      if (isComplete) return rest
      errorMessage = 'upstream stream ended before it finished'
      return rest + protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
    },
    fail(error) {
      errorMessage = error.message
      return protocol.encodeStreamError(error)
    },
    // Same protocol: the upstream's own keep-alives pass through; none is added.
    silence: () => '',
    isDone: () => isBroken,
    outcome: (): StreamEnd => ({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage }),
  }
}

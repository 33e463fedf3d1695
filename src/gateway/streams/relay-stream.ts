import { GatewayError } from '../../errors.ts'
import type { AttemptSignal } from '../../upstream/attempt-timers.ts'
import type { StreamWatch } from './stream-watch.ts'

/** What a stream does with its upstream's chunks; each returns what to send the client ('' for nothing). */
export interface Relay {
  onChunk(chunk: Uint8Array): string | Uint8Array
  /** The upstream ended: what is still owed. */
  onEnd(): string
  /** The upstream failed or went silent too long: the error event that ends the stream. */
  onError(error: GatewayError): string
  /** A ping interval of silence: the keep-alive event, or '' for a protocol that has none. */
  onSilence(): string
  /** Nothing more is wanted from the upstream (its decoder finished). */
  isDone(): boolean
  /** Runs once when the stream is over, however it ended. */
  onClose(): void
}

/**
 * The client's stream body: a direct ReadableStream that reads the upstream and writes what the relay
 * returns, flushing per upstream chunk so every event goes out as it comes. No async generator sits in
 * between (the profile showed Bun's generator-body machinery as the largest cost on streams).
 */
export function relayStream(
  head: string | Uint8Array,
  chunks: AsyncIterator<Uint8Array>,
  relay: Relay,
  attempt: AttemptSignal,
  watch: StreamWatch,
  now: () => number,
): ReadableStream {
  return new ReadableStream({
    type: 'direct',
    async pull(controller) {
      let isIdle = false
      const send = (data: string | Uint8Array): boolean => {
        if (data.length === 0) return true
        // 0 written: the client has gone away.
        if (controller.write(data) === 0) return false
        controller.flush()
        return true
      }
      const watched = {
        lastActivityMs: now(),
        onSilence: () => void send(relay.onSilence()),
        onIdle: () => {
          isIdle = true
          attempt.abort()
        },
      }
      watch.add(watched)
      try {
        let isOpen = send(head)
        while (isOpen && !relay.isDone()) {
          const { done, value } = await chunks.next()
          if (done) break
          watched.lastActivityMs = now()
          isOpen = send(relay.onChunk(value))
        }
        if (!isOpen) attempt.abort()
        else send(relay.onEnd())
      } catch {
        if (!attempt.isClientGone()) {
          const error = isIdle
            ? new GatewayError('timeout', 'the upstream sent nothing within stream_idle_timeout')
            : new GatewayError('bad_gateway', 'the upstream stream failed')
          send(relay.onError(error))
        }
      } finally {
        watch.delete(watched)
        relay.onClose()
        try {
          controller.close()
        } catch {
          // The client is already gone: nothing left to close.
        }
      }
    },
    cancel() {
      attempt.abort()
    },
  })
}

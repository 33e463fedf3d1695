import { GatewayError } from '../../errors.ts'
import type { AttemptSignal } from '../../upstream/attempt-timers.ts'
import type { StreamWatch } from './stream-watch.ts'
import type { StreamRedactor } from '../redact-secrets.ts'

/** What a stream does with its upstream's chunks; each returns what to send the client ('' for nothing). */
/** What one step sends: text, bytes, or several pieces written together (one flush). */
export type Outgoing = string | Uint8Array | readonly (string | Uint8Array)[]

export interface Relay {
  onChunk(chunk: Uint8Array): Outgoing
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
  /** Every write passes through it, so no upstream can quote a key to the client (absent: nothing to redact). */
  redactor?: StreamRedactor,
): ReadableStream {
  // Held only until it is written: the pull below would otherwise keep the first chunk for the stream's life.
  let unsent: string | Uint8Array | undefined = head
  return new ReadableStream({
    type: 'direct',
    async pull(controller) {
      // Set when llmux itself gives up on the upstream (idle, shutdown): the error event the client gets.
      let endError: GatewayError | undefined
      let lastUpstreamMs = now()
      let isWaitingOnClient = false
      /**
       * Writes and flushes. While the client's socket is full Bun answers with a promise, and so does
       * this: the loop awaits it before it takes the next upstream chunk, so a slow reader holds back its
       * own upstream instead of making llmux buffer the answer (SPEC §13). False: the client is gone.
       */
      const send = (outgoing: Outgoing): boolean | Promise<boolean> => {
        let written: number | Promise<number> | undefined
        for (const piece of typeof outgoing === 'string' || outgoing instanceof Uint8Array ? [outgoing] : outgoing) {
          const data = redactor ? redactor.push(piece) : piece
          if (data.length === 0) continue
          written = controller.write(data)
          // 0 written: the client has gone away.
          if (written === 0) return false
        }
        if (written === undefined) return true
        const flushed = controller.flush()
        if (typeof written === 'number' && typeof flushed === 'number') return true
        return drained(written, flushed)
      }
      const drained = async (written: number | Promise<number>, flushed: number | Promise<number>): Promise<boolean> => {
        isWaitingOnClient = true
        try {
          if ((await written) === 0) return false
          await flushed
          return true
        } catch {
          return false
        } finally {
          isWaitingOnClient = false
          lastUpstreamMs = now()
        }
      }
      const watched = {
        // Waiting on the client is not the upstream's silence: no ping, no stream_idle_timeout meanwhile.
        get lastActivityMs() {
          return isWaitingOnClient ? now() : lastUpstreamMs
        },
        onSilence: () => void send(relay.onSilence()),
        onIdle: () => {
          endError = new GatewayError('timeout', 'the upstream sent nothing within stream_idle_timeout')
          attempt.abort()
        },
        onShutdown: (error: GatewayError) => {
          endError = error
          attempt.abort()
        },
      }
      watch.add(watched)
      try {
        let sent = send(unsent ?? '')
        unsent = undefined
        let isOpen = typeof sent === 'boolean' ? sent : await sent
        while (isOpen && !relay.isDone()) {
          const { done, value } = await chunks.next()
          if (done) break
          lastUpstreamMs = now()
          // No promise hop per chunk while the client keeps up.
          sent = send(relay.onChunk(value))
          isOpen = typeof sent === 'boolean' ? sent : await sent
        }
        if (!isOpen) attempt.abort()
        else await send(relay.onEnd())
      } catch {
        if (!attempt.isClientGone()) {
          await send(relay.onError(endError ?? new GatewayError('bad_gateway', 'the upstream stream failed')))
        }
      } finally {
        watch.delete(watched)
        relay.onClose()
        try {
          // What the redactor held back (a tail that might have begun a key) goes out before the end.
          const rest = redactor?.end()
          if (rest && rest.length > 0) controller.write(rest)
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

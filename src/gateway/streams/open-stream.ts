import { GatewayError } from '../../errors.ts'
import type { ChatResponse } from '../../ir/index.ts'
import type { Usage } from '../../ir/usage.ts'
import type { AttemptSignal } from '../../upstream/attempt-timers.ts'
import type { UpstreamFailure } from '../upstream-failure.ts'
import { type Outgoing, relayStream } from './relay-stream.ts'
import type { StreamWatch } from './stream-watch.ts'
import type { Redactor } from '../redact-secrets.ts'

/** How a stream the client received ended: one value, settled once, however it ended. */
export interface StreamEnd {
  usage: Usage
  isComplete: boolean
  errorMessage?: string
  /** The whole answer, when it was captured for the answer cache and the stream ended complete. */
  answer?: ChatResponse
}

/**
 * What one kind of stream does with its upstream's bytes (STYLE "next shape" 3). Passthrough and
 * translated streams differ only here; `openStream` owns the skeleton: wait for the first event, then
 * relay, then settle the end once.
 */
export interface StreamTransform {
  /** An upstream chunk in; what to send the client out ('' for nothing). */
  push(chunk: Uint8Array): Outgoing
  /** The first event (or part) has arrived: the client may be answered. */
  hasStarted(): boolean
  /** Before the client is answered: a first event that is really a failure (an error event first). */
  earlyFailure(): UpstreamFailure | undefined
  /** The upstream ended: what is still owed. */
  end(): string
  /** The upstream failed or went silent too long: the error event that ends the stream. */
  fail(error: GatewayError): string
  /** A ping interval of silence: a keep-alive event, or '' for none. */
  silence(): string
  /** Nothing more is wanted from the upstream (its decoder finished). */
  isDone(): boolean
  /** How it ended; read once, after the stream closed. */
  outcome(): StreamEnd
}

export type OpenedStream = { ok: true; body: ReadableStream; ended: Promise<StreamEnd> } | { ok: false; failure: UpstreamFailure }

export interface StreamOptions {
  watch: StreamWatch
  now: () => number
  /** Keys and tokens an upstream quotes never reach the client, the log or the store. */
  redactor?: Redactor
}

/** A failure before the first event: the attempt can still fail over. */
const earlyFailureOf = (attempt: AttemptSignal): UpstreamFailure =>
  attempt.isTimedOut() ? { isTimeout: true, message: 'no first event before request_timeout' } : { isConnectionError: true, message: 'upstream stream failed before its first event' }

/**
 * Opens a stream to the client once its upstream's first event has arrived, so that a failure before it
 * can still fail over (SPEC §6); after that, failures become the client protocol's error event. The
 * returned `ended` settles once with how the stream ended.
 */
export async function openStream(upstream: Response, transform: StreamTransform, attempt: AttemptSignal, options: StreamOptions): Promise<OpenedStream> {
  // The reader itself, not the stream's async iterator: one promise per chunk instead of two.
  const reader = upstream.body!.getReader()
  const chunks: AsyncIterator<Uint8Array> = { next: () => reader.read() as Promise<IteratorResult<Uint8Array>> }
  const head: (string | Uint8Array)[] = []
  let hasEnded = false
  try {
    while (!transform.hasStarted()) {
      const { done, value } = await chunks.next()
      if (done) {
        hasEnded = true
        head.push(transform.end())
        break
      }
      const out = transform.push(value)
      if (typeof out === 'string' || out instanceof Uint8Array) head.push(out)
      else head.push(...out)
    }
  } catch (error) {
    if (error instanceof GatewayError) return { ok: false, failure: { status: error.status, kind: error.kind, retryAfterMs: error.retryAfterMs, message: error.message } }
    return { ok: false, failure: earlyFailureOf(attempt) }
  }
  attempt.disarm()
  if (!transform.hasStarted()) return { ok: false, failure: { status: 502, message: 'upstream closed the stream before any event' } }
  const failure = transform.earlyFailure()
  if (failure) return { ok: false, failure }
  if (!hasEnded && transform.isDone()) head.push(transform.end())
  let settle!: (end: StreamEnd) => void
  const ended = new Promise<StreamEnd>((resolve) => (settle = resolve))
  const relay = {
    onChunk: (chunk: Uint8Array) => transform.push(chunk),
    onEnd: () => (hasEnded ? '' : transform.end()),
    onError: (error: GatewayError) => transform.fail(error),
    onSilence: () => transform.silence(),
    isDone: () => hasEnded || transform.isDone(),
    onClose() {
      const end = transform.outcome()
      if (end.isComplete) attempt.release()
      else attempt.abort()
      settle(end.errorMessage === undefined || !options.redactor ? end : { ...end, errorMessage: options.redactor.text(end.errorMessage) })
    },
  }
  return { ok: true, body: relayStream(joinHead(head), chunks, relay, attempt, options.watch, options.now, options.redactor?.stream()), ended }
}

/** The head as one write: text when every piece is text, else bytes. */
function joinHead(parts: (string | Uint8Array)[]): string | Uint8Array {
  if (parts.every((part) => typeof part === 'string')) return parts.join('')
  if (parts.length === 1) return parts[0]
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)))
}

import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { ChatResponse } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import { retryAfterMsOf } from '../routing/cooldowns.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
import type { AttemptSignal } from '../upstream/attempt-timers.ts'
import { callBackend } from '../upstream/call-backend.ts'
import { withClientHeaders } from '../upstream/endpoint.ts'
import type { Gateway } from './gateway.ts'
import { openStream, type StreamEnd } from './streams/open-stream.ts'
import { captureAnswer } from './streams/capture-answer.ts'
import { passthroughTransform } from './streams/passthrough-transform.ts'
import { translatedTransform } from './streams/translated-transform.ts'
import type { UpstreamFailure } from './upstream-failure.ts'
import type { Redactor } from './redact-secrets.ts'

/** One call to one backend, fully decided by the caller. */
export interface AttemptPlan {
  backend: BackendConfig
  /** The codec of the backend's wire protocol (reads its errors; decodes its answers when translating). */
  codec: BackendCodec
  inbound: Protocol
  url: string
  body: string
  isStreaming: boolean
  /** The answer cache wants the whole answer (decoded with `codec`) beside what the client gets. */
  capturesAnswer?: boolean
  /** Passthrough OpenAI stream where llmux asked for usage the client did not: keep the usage chunk from it. */
  dropsUsageChunk?: boolean
  /** Cross-protocol answers. Absent: the upstream's bytes pass through (usage read on the side). */
  translation?: {
    whole: (json: unknown) => { body: string; usage: Usage; contentType?: string }
    /** Only for chat: embeddings are never streamed. */
    streamContext?: StreamContext
  }
}

/** What the client sent that every attempt reuses. */
export interface ClientSide {
  headers: Headers
  signal: AbortSignal
}

export type AttemptResult =
  /** `answer`: the whole answer in the IR, when the plan captures it (and it could be decoded). */
  | { kind: 'answered'; body: string; contentType: string; usage: Usage; isStream: false; answer?: ChatResponse }
  /** `ended` settles once with how the stream ended (the request's one finish point awaits it). */
  | { kind: 'answered'; body: ReadableStream; contentType: string; isStream: true; ended: Promise<StreamEnd> }
  | { kind: 'failed'; failure: UpstreamFailure }
  | { kind: 'client_gone' }

/** Sends one planned call and returns the client's answer, or why this backend failed. Streams are returned once their first event arrived. */
export async function sendAttempt(gateway: Gateway, plan: AttemptPlan, client: ClientSide): Promise<AttemptResult> {
  const { backend } = plan
  const headers = withClientHeaders(gateway.providerHeaders.get(backend.provider.name) ?? {}, backend.provider, client.headers)
  if (gateway.logger.isVerbose) gateway.logger.debug(`→ ${backend.id} POST ${plan.url.replace(/([?&]key=)[^&]+/, '$1…')}`)

  const attempt = gateway.attemptTimers.start(client.signal, gateway.config.requestTimeoutMs)
  const call = await callBackend(backend.provider, { url: plan.url, headers, body: plan.body }, attempt, gateway.now())
  const failed = (failure: UpstreamFailure): AttemptResult => {
    attempt.abort()
    // Whatever the upstream said goes on to the client, the log and the store: never a key in it.
    return { kind: 'failed', failure: redactFailure(gateway.redactor, failure) }
  }
  if (call.kind === 'client_gone') return call
  if (call.kind === 'timeout') return failed({ isTimeout: true, message: `no answer within request_timeout (${gateway.config.requestTimeoutMs / 1000} s)` })
  if (call.kind === 'connection') return failed({ isConnectionError: true, message: call.message })

  const upstream = call.response
  if (!upstream.ok) return failed(await failureOf(upstream, plan.codec, attempt, gateway.now()))
  const streamContext = plan.translation?.streamContext
  const isTranslatable = plan.translation === undefined || streamContext !== undefined
  if (plan.isStreaming && isTranslatable && (upstream.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const relayed = streamContext
      ? translatedTransform(plan.codec, plan.inbound, streamContext)
      : passthroughTransform(plan.inbound, plan.dropsUsageChunk ?? false)
    const transform = plan.capturesAnswer ? captureAnswer(relayed, plan.codec, gateway.redactor) : relayed
    const opened = await openStream(upstream, transform, attempt, { watch: gateway.streamWatch, now: gateway.now, redactor: gateway.redactor })
    if (attempt.isClientGone()) return { kind: 'client_gone' }
    if (!opened.ok) return failed(opened.failure)
    return { kind: 'answered', body: opened.body, contentType: 'text/event-stream; charset=utf-8', isStream: true, ended: opened.ended }
  }
  return answerWhole(upstream, plan, attempt, gateway.redactor)
}

async function failureOf(upstream: Response, codec: BackendCodec, attempt: AttemptSignal, nowMs: number): Promise<UpstreamFailure> {
  let bodyText = ''
  try {
    bodyText = await upstream.text()
  } catch {
    // The error body could not be read: the status says enough.
  }
  attempt.disarm()
  const decoded = codec.decodeError(upstream.status, bodyText)
  const retryAfterMs = retryAfterMsOf(upstream.headers, nowMs) ?? decoded.retryAfterMs
  return { status: upstream.status, bodyText, headers: upstream.headers, kind: decoded.kind, retryAfterMs, message: decoded.message }
}

/** An upstream quoting the key it was given ("Incorrect API key provided: sk-…") is relayed without it. */
function redactFailure(redactor: Redactor, failure: UpstreamFailure): UpstreamFailure {
  const message = redactor.text(failure.message)
  const bodyText = failure.bodyText === undefined ? undefined : redactor.text(failure.bodyText)
  return message === failure.message && bodyText === failure.bodyText ? failure : { ...failure, message, bodyText }
}

/** A non-streamed answer: passed through as it is, or translated whole. */
async function answerWhole(upstream: Response, plan: AttemptPlan, attempt: AttemptSignal, redactor: Redactor): Promise<AttemptResult> {
  let text: string
  try {
    text = redactor.text(await upstream.text())
  } catch {
    if (attempt.isClientGone()) return { kind: 'client_gone' }
    return { kind: 'failed', failure: attempt.isTimedOut() ? { isTimeout: true, message: 'upstream answer timed out' } : { isConnectionError: true, message: 'upstream answer was cut' } }
  }
  attempt.release()
  // Parsed whole even when it passes through: a 200 whose body was cut short is a failure that can
  // still fail over (nothing has reached the client), never a broken answer relayed as a success.
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'failed', failure: { status: 502, message: 'upstream answered 200 with a body that is not JSON (cut short?)' } }
  }
  const answer = plan.capturesAnswer ? capturedAnswer(plan.codec, json) : undefined
  if (!plan.translation) {
    // Passthrough: the body goes back as it came; only its usage is read.
    return { kind: 'answered', body: text, contentType: 'application/json', usage: plan.inbound.usageOfResponse(json) ?? {}, isStream: false, answer }
  }
  try {
    const translated = plan.translation.whole(json)
    return { kind: 'answered', body: translated.body, contentType: translated.contentType ?? 'application/json', usage: translated.usage, isStream: false, answer }
  } catch (error) {
    return { kind: 'failed', failure: { status: 502, message: error instanceof GatewayError ? error.message : 'upstream answer could not be translated' } }
  }
}

/** The answer in the IR for the answer cache; one that the codec cannot read is simply not cached. */
function capturedAnswer(codec: BackendCodec, json: unknown): ChatResponse | undefined {
  try {
    return codec.decodeResponse(json)
  } catch {
    return undefined
  }
}

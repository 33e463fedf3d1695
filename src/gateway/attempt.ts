import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { ChatRequest } from '../ir/index.ts'
import { backendProtocolOf } from '../providers/protocol-of.ts'
import type { Protocol } from '../protocols/protocol.ts'
import type { JsonBody } from '../server/read-body.ts'
import { attemptSignal, type AttemptSignal } from '../upstream/attempt-signal.ts'
import { callBackend } from '../upstream/call-backend.ts'
import { withClientHeaders } from '../upstream/endpoint.ts'
import type { Gateway } from './gateway.ts'
import { openPassthroughStream, type OpenedStream, type StreamEnd } from './passthrough-stream.ts'
import { upstreamBodyOf } from './request-body.ts'
import { openTranslatedStream } from './translated-stream.ts'
import type { UpstreamFailure } from './upstream-failure.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/** One client request, as every attempt sees it. */
export interface ClientRequest {
  inbound: Protocol
  body: JsonBody
  chat: ChatRequest
  headers: Headers
  signal: AbortSignal
  estimatedTokens: number
}

export type AttemptResult =
  | { kind: 'answered'; status: number; body: string | AsyncGenerator<Uint8Array | string>; contentType: string; usage?: StreamEnd['usage']; isStream: boolean }
  | { kind: 'failed'; failure: UpstreamFailure }
  | { kind: 'client_gone' }

/**
 * Sends the request to one backend and returns the client's answer, or why this backend failed.
 * Streams are returned once their first event arrived; `onStreamEnd` reports how they finished.
 */
export async function sendAttempt(
  gateway: Gateway,
  request: ClientRequest,
  backend: BackendConfig,
  onStreamEnd: (end: StreamEnd) => void,
): Promise<AttemptResult> {
  const protocolName = backendProtocolOf(backend.provider.type)
  const codec = gateway.codecs[protocolName]
  const isSameProtocol = protocolName === request.inbound.name
  const body = upstreamBodyOf(backend, codec, isSameProtocol, request.body, request.chat)
  const base = gateway.providerHeaders.get(backend.provider.name) ?? {}
  const headers = withClientHeaders(base, backend.provider, request.headers)
  const url = upstreamUrlOf(backend, request.chat.isStreaming)
  if (gateway.logger.isVerbose) gateway.logger.debug(`→ ${backend.id} POST ${url.replace(/([?&]key=)[^&]+/, '$1…')}`)

  const attempt = attemptSignal(request.signal, gateway.config.requestTimeoutMs)
  const call = await callBackend(backend.provider, { url, headers, body }, attempt, gateway.now())
  if (call.kind === 'client_gone') return call
  if (call.kind === 'timeout') return failed({ isTimeout: true, message: `no answer within request_timeout (${gateway.config.requestTimeoutMs / 1000} s)` })
  if (call.kind === 'connection') return failed({ isConnectionError: true, message: call.message })

  const upstream = call.response
  if (!upstream.ok) return failed(await failureOf(upstream, codec, attempt))
  if (request.chat.isStreaming && isEventStream(upstream)) {
    const streamOptions = { idleMs: gateway.config.streamIdleTimeoutMs, pingMs: gateway.pingMs, now: gateway.now, onEnd: onStreamEnd }
    const opened: OpenedStream = isSameProtocol
      ? await openPassthroughStream(upstream, request.inbound, attempt, streamOptions)
      : await openTranslatedStream(upstream, codec, request.inbound, streamContextOf(gateway, request, backend), attempt, streamOptions)
    if (attempt.isClientGone()) return { kind: 'client_gone' }
    if (!opened.ok) return failed(opened.failure)
    return { kind: 'answered', status: 200, body: opened.body, contentType: 'text/event-stream; charset=utf-8', isStream: true }
  }
  return answerWhole(upstream, codec, request, isSameProtocol, attempt)

  function failed(failure: UpstreamFailure): AttemptResult {
    attempt.abort()
    return { kind: 'failed', failure }
  }
}

const isEventStream = (response: Response) => (response.headers.get('content-type') ?? '').includes('text/event-stream')

async function failureOf(upstream: Response, codec: Gateway['codecs']['openai'], attempt: AttemptSignal): Promise<UpstreamFailure> {
  let bodyText = ''
  try {
    bodyText = await upstream.text()
  } catch {
    // The error body could not be read: the status says enough.
  }
  attempt.disarm()
  const { message } = codec.decodeError(upstream.status, bodyText)
  return { status: upstream.status, bodyText, headers: upstream.headers, message }
}

/** A non-streamed answer (or a stream the upstream answered as one JSON body). */
async function answerWhole(
  upstream: Response,
  codec: Gateway['codecs']['openai'],
  request: ClientRequest,
  isSameProtocol: boolean,
  attempt: AttemptSignal,
): Promise<AttemptResult> {
  let text: string
  try {
    text = await upstream.text()
  } catch {
    if (attempt.isClientGone()) return { kind: 'client_gone' }
    return { kind: 'failed', failure: attempt.isTimedOut() ? { isTimeout: true, message: 'upstream answer timed out' } : { isConnectionError: true, message: 'upstream answer was cut' } }
  }
  attempt.disarm()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'failed', failure: { status: 502, message: 'upstream answered with something that is not JSON' } }
  }
  if (isSameProtocol) {
    return { kind: 'answered', status: 200, body: text, contentType: 'application/json', usage: request.inbound.usageOfResponse(json) ?? {}, isStream: false }
  }
  try {
    const response = codec.decodeResponse(json)
    return { kind: 'answered', status: 200, body: JSON.stringify(request.inbound.encodeResponse(response)), contentType: 'application/json', usage: response.usage, isStream: false }
  } catch (error) {
    return { kind: 'failed', failure: { status: 502, message: error instanceof GatewayError ? error.message : 'upstream answer could not be translated' } }
  }
}

function streamContextOf(gateway: Gateway, request: ClientRequest, backend: BackendConfig) {
  const now = gateway.now()
  return {
    estimatedInputTokens: request.estimatedTokens,
    includeUsage: request.chat.includeUsage ?? false,
    id: `llmux-${now.toString(36)}-${gateway.nextRequestId()}`,
    model: backend.model,
    created: Math.floor(now / 1000),
  }
}

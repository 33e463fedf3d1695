import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { cooldownUntil } from '../routing/cooldowns.ts'
import { classifyFailure } from '../routing/failure.ts'
import { needsOf } from '../routing/needs.ts'
import { selectBackends } from '../routing/router.ts'
import { readJsonBody } from '../server/read-body.ts'
import { sendAttempt, type ClientRequest } from './attempt.ts'
import { admitClient } from './client-limits.ts'
import type { Gateway } from './gateway.ts'
import { finishRequest, type RequestRecord } from './finish-request.ts'
import type { StreamEnd } from './passthrough-stream.ts'
import { errorResponse } from './respond.ts'
import { upstreamErrorResponse } from './upstream-error.ts'
import type { UpstreamFailure } from './upstream-failure.ts'

/** POST /v1/messages and /v1/chat/completions: authenticate, route, attempt with failover, answer. */
export async function handleChat(gateway: Gateway, request: Request, inbound: Protocol): Promise<Response> {
  const record: RequestRecord = {
    id: gateway.nextRequestId(),
    startedAt: performance.now(),
    arrivedAtMs: gateway.now(),
    protocol: inbound.name,
    attempts: 0,
    upstreamWaitMs: 0,
  }
  try {
    const client = gateway.authenticator.authenticate(request.headers)
    record.client = client?.name
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    const chat = inbound.decodeRequest(body.json)
    record.requestedModel = chat.model
    if (client) admitClient(gateway.store, client, gateway.now())
    gateway.logger.info(`#${record.id} ← ${inbound.name} model=${chat.model}${chat.isStreaming ? ' stream' : ''}${client ? ` client=${client.name}` : ''}`)
    const needs = needsOf(chat)
    const clientRequest: ClientRequest = { inbound, body, chat, headers: request.headers, signal: request.signal, estimatedTokens: needs.estimatedTokens }
    return await attemptInTurn(gateway, clientRequest, needs, record)
  } catch (error) {
    const response = errorResponse(inbound, error, llmuxHeaders(record))
    finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: (error as Error).message })
    return response
  }
}

async function attemptInTurn(
  gateway: Gateway,
  request: ClientRequest,
  needs: ReturnType<typeof needsOf>,
  record: RequestRecord,
): Promise<Response> {
  const tried = new Set<string>()
  let minContext: number | undefined
  let lastFailure: { backend: BackendConfig; failure: UpstreamFailure } | undefined
  for (let round = 0; round <= gateway.config.maxRetries; round++) {
    const now = gateway.now()
    const route = selectBackends(needs, gateway.backends, gateway.store.routing, now, {
      routing: gateway.config.routing,
      random: gateway.random,
      exclude: tried,
      minContext,
    })
    if (route.kind !== 'ok') {
      if (lastFailure) break
      throw new GatewayError(route.kind, route.message, { retryAfterMs: route.retryAfterMs })
    }
    const backend = route.candidates[0]
    if (lastFailure) logFailover(gateway, lastFailure, backend.id)
    tried.add(backend.id)
    record.attempts++
    record.backend = backend.id
    gateway.store.recordAttempt(backend.id, now, backend.limits)
    const sentAt = performance.now()
    const result = await sendAttempt(gateway, request, backend, (end) => onStreamEnd(gateway, record, end))
    record.upstreamWaitMs += performance.now() - sentAt
    if (result.kind === 'client_gone') {
      finishRequest(gateway, record, { status: 499, usage: {}, isCutShort: true, errorMessage: 'client went away' })
      return new Response(null, { status: 499 })
    }
    if (result.kind === 'answered') {
      const headers: Record<string, string> = { 'content-type': result.contentType, ...llmuxHeaders(record) }
      if (result.isStream) {
        headers['cache-control'] = 'no-cache'
        record.firstByteMs = performance.now() - record.startedAt
      } else {
        finishRequest(gateway, record, { status: 200, usage: result.usage ?? {}, isCutShort: false })
      }
      return new Response(result.body as ConstructorParameters<typeof Response>[0], { status: result.status, headers })
    }
    const verdict = classifyFailure(result.failure)
    if (verdict.shouldCoolDown) gateway.store.setCooldown(backend.id, cooldownUntil(backend.cooldownMs, gateway.now(), result.failure.headers))
    if (!verdict.isRetryable) return finalError(gateway, request, record, backend, result.failure)
    if (verdict.isContextLength) minContext = Math.max(minContext ?? 0, backend.context)
    lastFailure = { backend, failure: result.failure }
  }
  if (lastFailure) logFailover(gateway, lastFailure, undefined)
  return finalError(gateway, request, record, lastFailure!.backend, lastFailure!.failure)
}

function finalError(gateway: Gateway, request: ClientRequest, record: RequestRecord, backend: BackendConfig, failure: UpstreamFailure): Response {
  const response = upstreamErrorResponse(request.inbound, backend, failure, llmuxHeaders(record))
  finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: failure.message })
  return response
}

function onStreamEnd(gateway: Gateway, record: RequestRecord, end: StreamEnd): void {
  finishRequest(gateway, record, { status: 200, usage: end.usage, isCutShort: !end.isComplete, errorMessage: end.errorMessage, firstByteMs: record.firstByteMs })
}

/** `failover 429: switching to <backend> (<provider message>)` (SPEC §8). */
function logFailover(gateway: Gateway, { backend, failure }: { backend: BackendConfig; failure: UpstreamFailure }, next: string | undefined): void {
  const what = String(failure.status ?? (failure.isTimeout ? 'timeout' : 'connection'))
  gateway.metrics.recordFailover(backend.id, what)
  const target = next === undefined ? 'no other backend can serve' : `switching to ${next}`
  gateway.logger.warn(`failover ${what}: ${target} (${failure.message})`)
}

function llmuxHeaders(record: RequestRecord): Record<string, string> {
  const overheadMs = performance.now() - record.startedAt - record.upstreamWaitMs
  record.overheadMs = overheadMs
  const headers: Record<string, string> = { 'x-llmux-attempts': String(record.attempts), 'x-llmux-overhead-ms': overheadMs.toFixed(3) }
  if (record.backend) headers['x-llmux-backend'] = record.backend
  return headers
}

import type { BackendConfig } from '../config/config.ts'
import { GatewayError, kindOfStatus } from '../errors.ts'
import { backendProtocolOf } from '../providers/protocol-of.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { errorResponse } from './respond.ts'
import type { UpstreamFailure } from './upstream-failure.ts'

/**
 * The client's answer when a backend failed and llmux will not try another. Same protocol: the
 * upstream's error body as it is (STYLE "Errors"); otherwise its meaning re-encoded for the client.
 */
export function upstreamErrorResponse(
  inbound: Protocol,
  backend: BackendConfig,
  failure: UpstreamFailure,
  headers: Record<string, string>,
): Response {
  const retryAfter = failure.headers?.get('retry-after')
  const extra = retryAfter ? { ...headers, 'retry-after': retryAfter } : headers
  const isSameProtocol = backendProtocolOf(backend.provider.type) === inbound.name
  if (failure.status !== undefined && failure.status >= 400 && isSameProtocol && looksLikeJson(failure.bodyText)) {
    return new Response(failure.bodyText, { status: failure.status, headers: { 'content-type': 'application/json', ...extra } })
  }
  return errorResponse(inbound, errorOf(backend, failure), extra)
}

function errorOf(backend: BackendConfig, failure: UpstreamFailure): GatewayError {
  const where = `backend ${backend.id}`
  if (failure.isTimeout) return new GatewayError('timeout', `${where}: ${failure.message}`)
  if (failure.isConnectionError) return new GatewayError('bad_gateway', `${where}: ${failure.message}`)
  const status = failure.status ?? 502
  // A 2xx that could not be used (bad JSON, an error event first) is the gateway's 502.
  const kind = status < 400 ? 'bad_gateway' : kindOfStatus(status)
  return new GatewayError(kind, `${where}: ${failure.message}`, { status: status < 400 ? 502 : status })
}

const looksLikeJson = (text: string | undefined) => text !== undefined && text.trimStart().startsWith('{')

import type { BackendConfig } from '../config/config.ts'
import { type ErrorKind, GatewayError, kindOfStatus, statusOf } from '../errors.ts'
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
  // Every 429 carries Retry-After (Codex does not retry one without it): the upstream's, or else how long
  // llmux itself rests that backend.
  const waitMs = failure.retryAfterMs ?? (failure.status === 429 ? backend.cooldownMs : undefined)
  const retryAfter = failure.headers?.get('retry-after') ?? (waitMs === undefined ? undefined : String(Math.max(1, Math.ceil(waitMs / 1000))))
  const extra = retryAfter ? { ...headers, 'retry-after': retryAfter } : headers
  const isSameProtocol = backend.protocol === inbound.name
  if (failure.status !== undefined && failure.status >= 400 && isSameProtocol && looksLikeJson(failure.bodyText)) {
    const final = failure.kind !== undefined && isFinalKind(failure.kind) ? { 'x-should-retry': 'false' } : {}
    return new Response(failure.bodyText, { status: failure.status, headers: { 'content-type': 'application/json', ...extra, ...final } })
  }
  return errorResponse(inbound, errorOf(backend, failure), extra)
}

function errorOf(backend: BackendConfig, failure: UpstreamFailure): GatewayError {
  const where = `backend ${backend.id}`
  if (failure.isTimeout) return new GatewayError('timeout', `${where}: ${failure.message}`)
  if (failure.isConnectionError) return new GatewayError('bad_gateway', `${where}: ${failure.message}`)
  const upstreamStatus = failure.status ?? 502
  // A 2xx that could not be used (bad JSON, an error event first) is the gateway's 502.
  if (upstreamStatus < 400) return new GatewayError('bad_gateway', `${where}: ${failure.message}`, { status: 502 })
  // The body may say more than the status (Gemini answers a bad key with 400 API_KEY_INVALID): its kind wins.
  const kind = failure.kind ?? kindOfStatus(upstreamStatus)
  const status = kind === kindOfStatus(upstreamStatus) ? upstreamStatus : statusOf[kind]
  return new GatewayError(kind, `${where}: ${failure.message}`, { status, isFinal: isFinalKind(kind) })
}

/** Failures a retry cannot mend: a bad provider key, no permission, no credit (Claude Code would retry for minutes). */
const isFinalKind = (kind: ErrorKind) => kind === 'authentication' || kind === 'permission' || kind === 'billing'

const looksLikeJson = (text: string | undefined) => text !== undefined && text.trimStart().startsWith('{')

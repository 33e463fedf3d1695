import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'

/** Turns anything thrown into the error a client of this protocol can read: never a stack trace or an HTML page. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  return new GatewayError('api_error', 'internal error in llmux')
}

export function errorResponse(protocol: Protocol, thrown: unknown, headers: Record<string, string> = {}): Response {
  const error = toGatewayError(thrown)
  const extra: Record<string, string> = { ...headers }
  if (error.retryAfterMs !== undefined) extra['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)))
  if (error.isFinal) extra['x-should-retry'] = 'false'
  return Response.json(protocol.encodeError(error), { status: error.status, headers: extra })
}

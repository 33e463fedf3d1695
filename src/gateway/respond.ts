import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'

/** Turns anything thrown into the error a client of this protocol can read: never a stack trace or an HTML page. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  // Every recursive walk of the client's JSON (JSON.stringify of a passthrough body, the decoders, the
  // token estimate) overflows on input nested tens of thousands deep: that is the client's input, not
  // llmux failing, so it is a 400 (SPEC §4: client input never gets a 5xx).
  if (isStackOverflow(error)) return new GatewayError('invalid_request', 'the request is nested too deeply')
  return new GatewayError('api_error', 'internal error in llmux')
}

/** JavaScriptCore's "Maximum call stack size exceeded." (a RangeError, like V8's). */
export const isStackOverflow = (error: unknown): boolean => error instanceof RangeError && /call stack/i.test(error.message)

export function errorResponse(protocol: Protocol, thrown: unknown, headers: Record<string, string> = {}): Response {
  const error = toGatewayError(thrown)
  const extra: Record<string, string> = { ...headers }
  if (error.retryAfterMs !== undefined) extra['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)))
  if (error.isFinal) extra['x-should-retry'] = 'false'
  return Response.json(protocol.encodeError(error), { status: error.status, headers: extra })
}

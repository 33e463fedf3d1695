// OpenAI's error body, `{"error":{"message","type","param","code"}}`, shared by its two APIs (Chat
// Completions and Responses): the one place that writes and reads it (SPEC §4).
import { kindOfStatus, type ErrorKind, type GatewayError } from '../errors.ts'

type JsonObject = Record<string, unknown>
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value)
const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null }
}

/** The `type` and `code` an OpenAI client sees for each kind (SPEC §4), modelled on OpenAI's own. */
const wireOfKind: Record<ErrorKind, { type: string; code: string }> = {
  invalid_request: { type: 'invalid_request_error', code: 'invalid_request' },
  authentication: { type: 'authentication_error', code: 'invalid_api_key' },
  permission: { type: 'permission_error', code: 'permission_denied' },
  not_found: { type: 'not_found_error', code: 'not_found' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limited: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  billing: { type: 'insufficient_quota', code: 'insufficient_quota' },
  api_error: { type: 'server_error', code: 'server_error' },
  bad_gateway: { type: 'server_error', code: 'bad_gateway' },
  unavailable: { type: 'server_error', code: 'service_unavailable' },
  timeout: { type: 'timeout', code: 'timeout' },
  overloaded: { type: 'server_error', code: 'overloaded' },
  not_implemented: { type: 'invalid_request_error', code: 'not_implemented' },
}

export function encodeError(error: GatewayError): OpenAIErrorBody {
  const { type, code } = wireOfKind[error.kind]
  return { error: { message: error.message, type, param: error.param ?? null, code } }
}


/**
 * An upstream's error body, whatever it is: OpenAI's `{"error":{…}}`, a bare `{"error":"…"}`,
 * FastAPI's `{"detail":…}` (vLLM), an array around any of these, or plain text. HTML is never relayed.
 */
export function decodeError(status: number, bodyText: string): { kind: ErrorKind; message: string } {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    body = undefined
  }
  if (Array.isArray(body)) body = body[0]
  const error = isObject(body) ? body.error : undefined
  const statusKind = kindOfStatus(status)
  // OpenAI answers 429 both for rate limits and for an account out of credit; only the first passes.
  const kind = statusKind === 'rate_limited' && isObject(error) && kindOfLabels(error) === 'billing' ? 'billing' : statusKind
  const message = messageOf(body) ?? plainText(bodyText) ?? `upstream answered HTTP ${status}`
  return { kind, message }
}

/** The `error` member of an in-stream data line → kind and message. */
export function decodeErrorObject(error: unknown): { kind: ErrorKind; message: string } {
  if (!isObject(error)) return { kind: 'api_error', message: stringOrUndefined(error) ?? 'upstream stream error' }
  return { kind: kindOfLabels(error), message: stringOrUndefined(error.message) ?? 'upstream stream error' }
}

function kindOfLabels(error: JsonObject): ErrorKind {
  // OpenRouter puts the HTTP status in `code`.
  if (typeof error.code === 'number') return kindOfStatus(error.code)
  const labels = `${stringOrUndefined(error.type) ?? ''} ${stringOrUndefined(error.code) ?? ''}`
  if (/insufficient_quota|billing/.test(labels)) return 'billing'
  if (/rate_limit/.test(labels)) return 'rate_limited'
  if (/overloaded/.test(labels)) return 'overloaded'
  if (/invalid_api_key|authentication/.test(labels)) return 'authentication'
  if (/permission/.test(labels)) return 'permission'
  if (/not_found/.test(labels)) return 'not_found'
  if (/timeout/.test(labels)) return 'timeout'
  if (/bad_gateway/.test(labels)) return 'bad_gateway'
  if (/service_unavailable/.test(labels)) return 'unavailable'
  if (/invalid_request|context_length/.test(labels)) return 'invalid_request'
  return 'api_error'
}

function messageOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined
  const error = body.error
  if (isObject(error) && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  if (typeof body.message === 'string') return body.message
  if (typeof body.detail === 'string') return body.detail
  if (body.detail !== undefined) return JSON.stringify(body.detail)
  return undefined
}

function plainText(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed.startsWith('<')) return undefined
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed
}

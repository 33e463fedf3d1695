import { kindOfStatus, type ErrorKind } from '../../errors.ts'
import { isObject, numberOrUndefined, objectsOf, parseJson, stringOrUndefined, type JsonObject } from './narrow.ts'

/** Google's canonical error statuses (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes). */
const KIND_OF_GOOGLE_STATUS: Readonly<Record<string, ErrorKind>> = {
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limited',
  INTERNAL: 'api_error',
  UNAVAILABLE: 'unavailable',
  DEADLINE_EXCEEDED: 'timeout',
}

export interface DecodedGeminiError {
  kind: ErrorKind
  message: string
  /** From a google.rpc.RetryInfo detail ("retryDelay": "37s"), when Gemini says how long to wait. */
  retryAfterMs?: number
}

function retryAfterMsOf(details: JsonObject[]): number | undefined {
  for (const detail of details) {
    const delay = /^(\d+(?:\.\d+)?)s$/.exec(stringOrUndefined(detail.retryDelay) ?? '')
    if (delay) return Math.round(Number(delay[1]) * 1000)
  }
  return undefined
}

/** A Google error object: `{code, message, status, details}`. */
export function decodeErrorObject(error: JsonObject, httpStatus?: number): DecodedGeminiError {
  const details = objectsOf(error.details)
  const status = stringOrUndefined(error.status)
  const code = numberOrUndefined(error.code) ?? httpStatus
  // A bad key is a 400 INVALID_ARGUMENT whose ErrorInfo says API_KEY_INVALID.
  const isBadKey = details.some((detail) => detail.reason === 'API_KEY_INVALID')
  const kind: ErrorKind = isBadKey
    ? 'authentication'
    : ((status === undefined ? undefined : KIND_OF_GOOGLE_STATUS[status]) ?? kindOfStatus(code ?? 500))
  const message = stringOrUndefined(error.message) ?? `Gemini error ${status ?? code ?? ''}`.trim()
  const retryAfterMs = retryAfterMsOf(details)
  return retryAfterMs === undefined ? { kind, message } : { kind, message, retryAfterMs }
}

/**
 * An upstream error body: `{"error": {...}}`, or a one-element array of that (streamGenerateContent
 * without alt=sse), or any text at all (a proxy's HTML page).
 */
export function decodeError(status: number, bodyText: string): DecodedGeminiError {
  const body = parseJson(bodyText)
  const wrapper = Array.isArray(body) ? body[0] : body
  if (isObject(wrapper) && isObject(wrapper.error)) return decodeErrorObject(wrapper.error, status)
  const text = bodyText.trim().slice(0, 500)
  return { kind: kindOfStatus(status), message: text === '' ? `Gemini answered HTTP ${status}` : text }
}

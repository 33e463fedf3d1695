// Anthropic error bodies (https://docs.claude.com/en/api/errors): {"type":"error","error":{"type","message"}}.
import { type ErrorKind, type GatewayError, kindOfStatus } from '../../errors.ts'
import { formatSse } from '../../sse/format-sse.ts'
import { isObject } from '../read-json.ts'
import type { AnthropicErrorBody, AnthropicErrorType } from './wire.ts'

const typeOfKind: Record<ErrorKind, AnthropicErrorType> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  rate_limited: 'rate_limit_error',
  billing: 'billing_error',
  api_error: 'api_error',
  // Anthropic has no type for a bad or absent upstream; api_error is its "something failed on our side".
  bad_gateway: 'api_error',
  unavailable: 'api_error',
  timeout: 'timeout_error',
  overloaded: 'overloaded_error',
  not_implemented: 'api_error',
}

export function errorTypeOf(kind: ErrorKind): AnthropicErrorType {
  return typeOfKind[kind]
}

const kindOfType: Record<AnthropicErrorType, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limited',
  billing_error: 'billing',
  api_error: 'api_error',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
}

/** The kind an Anthropic error type names, or undefined for a type newer than this code. */
export function kindOfErrorType(type: unknown): ErrorKind | undefined {
  return typeof type === 'string' && Object.hasOwn(kindOfType, type) ? kindOfType[type as AnthropicErrorType] : undefined
}

export function encodeError(error: GatewayError): Record<string, unknown> {
  const body: AnthropicErrorBody = { type: 'error', error: { type: errorTypeOf(error.kind), message: error.message } }
  return { ...body }
}

export function encodeStreamError(error: GatewayError): string {
  return formatSse(JSON.stringify(encodeError(error)), 'error')
}

const MAX_MESSAGE_CHARS = 500

/** Reads an upstream error: an Anthropic body, another JSON shape, or plain text (a proxy's HTML page). */
export function decodeError(status: number, bodyText: string): { kind: ErrorKind; message: string } {
  const statusKind = kindOfStatus(status)
  const body = parseJson(bodyText)
  const error = isObject(body) && isObject(body.error) ? body.error : undefined
  const kind = kindOf(kindOfErrorType(error?.type), statusKind)
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : textMessage(status, bodyText, body)
  return { kind, message }
}

function kindOf(typeKind: ErrorKind | undefined, statusKind: ErrorKind): ErrorKind {
  if (typeKind === undefined) return statusKind
  // invalid_request_error and api_error are Anthropic's catch-alls ("other 4XX", any 5xx): a status that
  // names something (401, 413, 502, 503, 504) says more. kindOfStatus answers api_error when it cannot.
  const isCatchAll = typeKind === 'invalid_request' || typeKind === 'api_error'
  return isCatchAll && statusKind !== 'api_error' ? statusKind : typeKind
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function textMessage(status: number, bodyText: string, body: unknown): string {
  if (isObject(body) && typeof body.message === 'string' && body.message !== '') return body.message
  const text = bodyText.trim()
  // An HTML error page is noise to a client: the status says as much.
  if (text === '' || text.startsWith('<')) return `upstream answered with status ${status}`
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text
}

// Responses errors. The HTTP error body is OpenAI's, shared with Chat Completions (openai-error-body.ts).
// In a stream, an error is a `response.failed` event.
import { GatewayError, kindOfStatus, type ErrorKind } from '../../errors.ts'
import { formatSse } from '../../sse/format-sse.ts'
import { decodeError as decodeOpenAIError, encodeError as encodeOpenAIError } from '../openai-error-body.ts'
import type { DecodedError } from '../protocol.ts'
import { isObject, stringOr } from '../read-json.ts'
import { responseObject } from './response-object.ts'
import type { ResponsesErrorBody } from './wire.ts'

const CONTEXT_TOO_LONG = /context|too long|too many tokens|maximum.*tokens/i

/**
 * The `error.code` a Responses client acts on (SPEC §7.2, what Codex does): rate_limit_exceeded waits and
 * retries, insufficient_quota and context_length_exceeded stop, invalid_prompt stops (retrying a bad
 * request cannot help), server_error retries.
 */
export function failedCodeOf(kind: ErrorKind, message: string): string {
  switch (kind) {
    case 'rate_limited':
      return 'rate_limit_exceeded'
    case 'billing':
      return 'insufficient_quota'
    case 'invalid_request':
    case 'request_too_large':
      return CONTEXT_TOO_LONG.test(message) ? 'context_length_exceeded' : 'invalid_prompt'
    default:
      return 'server_error'
  }
}

/**
 * Codex reads the wait from the message ("Please try again in 12s.") and then retries by itself, so a
 * rate limit always says one: the known wait, or else a second (the retry comes back to llmux, which
 * routes it to whichever backend is free by then).
 */
export function failedMessageOf(message: string, kind: ErrorKind, retryAfterMs: number | undefined): string {
  if (kind !== 'rate_limited' || /try again in/i.test(message)) return message
  return `${message} Please try again in ${Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000))}s.`
}

export function encodeError(error: GatewayError): ResponsesErrorBody {
  const body = encodeOpenAIError(error)
  if (error.kind === 'invalid_request' && CONTEXT_TOO_LONG.test(error.message)) body.error.code = 'context_length_exceeded'
  return body
}

export function decodeError(status: number, bodyText: string): DecodedError {
  return decodeOpenAIError(status, bodyText)
}

/**
 * A failure with no stream state around it (the gateway's own errors after the first byte). Its
 * sequence_number is 0 and its response id a placeholder: the encoder's own failures carry the real
 * ones; clients act on the type and error code.
 */
export function encodeStreamError(error: GatewayError): string {
  const code = failedCodeOf(error.kind, error.message)
  const message = failedMessageOf(error.message, error.kind, error.retryAfterMs)
  const response = responseObject({ id: 'resp_llmux', model: '', createdS: 0 }, { status: 'failed', output: [], usage: null, error: { code, message } })
  // One `response.failed`, the only in-stream error Codex acts on (it ignores `error` events).
  return formatSse(JSON.stringify({ type: 'response.failed', sequence_number: 0, response }), 'response.failed')
}

/** An upstream `error` object (response.failed, an `error` event, a 200 body with an error) → its meaning. */
export function decodeErrorObject(error: unknown): { kind: ErrorKind; message: string } {
  if (!isObject(error)) return { kind: 'api_error', message: stringOr(error) ?? 'the upstream reported an error' }
  return { kind: kindOfCode(error.code ?? error.type), message: stringOr(error.message) ?? 'the upstream reported an error' }
}

function kindOfCode(code: unknown): ErrorKind {
  if (typeof code === 'number') return kindOfStatus(code)
  const label = stringOr(code) ?? ''
  if (/rate_limit/.test(label)) return 'rate_limited'
  if (/insufficient_quota|billing/.test(label)) return 'billing'
  if (/overloaded|slow_down/.test(label)) return 'overloaded'
  if (/context_length|invalid|image|unsupported|bio_policy|data_residency/.test(label)) return 'invalid_request'
  if (/authentication|api_key/.test(label)) return 'authentication'
  if (/not_found/.test(label)) return 'not_found'
  if (/timeout/.test(label)) return 'timeout'
  return 'api_error'
}

import type { GatewayError } from '../../errors.ts'
import { encodeError } from '../openai-error-body.ts'
import { formatSse } from '../../sse/format-sse.ts'

export { decodeError, decodeErrorObject, encodeError } from '../openai-error-body.ts'

/** In a stream, an error is one data line holding the same body; the OpenAI SDK throws it as an APIError. */
export function encodeStreamError(error: GatewayError): string {
  return formatSse(JSON.stringify(encodeError(error)))
}

import type { Protocol } from '../protocol.ts'
import { decodeRequest } from './decode-request.ts'
import { decodeStream, streamDecoder } from './decode-stream.ts'
import { encodeRequest } from './encode-request.ts'
import { encodeStream, streamEncoder } from './encode-stream.ts'
import { decodeError, encodeError, encodeStreamError } from './error.ts'
import { decodeResponse, encodeResponse } from './response.ts'
import { usageOfEvent, usageOfResponse } from './usage.ts'

/** OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat). */
export const openai: Protocol = {
  name: 'openai',
  decodeRequest,
  encodeRequest,
  decodeResponse,
  // `created` is the one impure field: the Protocol interface passes no clock for non-streamed
  // answers, and clients display it, so it is read here at the edge; encodeResponse itself is pure.
  encodeResponse: (response) => encodeResponse(response, Math.floor(Date.now() / 1000)),
  decodeStream,
  encodeStream,
  streamDecoder,
  streamEncoder,
  usageOfEvent,
  usageOfResponse,
  encodeError,
  encodeStreamError,
  decodeError,
}

export { decodeRequest, decodeResponse, decodeStream, encodeRequest, encodeResponse, encodeStream }
export { decodeError, encodeError, encodeStreamError, usageOfEvent, usageOfResponse }

import type { Protocol } from '../protocol.ts'
import { decodeRequest } from './decode-request.ts'
import { decodeStream, streamDecoder } from './decode-stream.ts'
import { encodeRequest } from './encode-request.ts'
import { encodeStream, streamEncoder } from './encode-stream.ts'
import { decodeError, encodeError, encodeStreamError } from './error.ts'
import { probe } from './probe.ts'
import { decodeResponse, encodeResponse } from './response.ts'
import { usageOfEvent, usageOfResponse } from './usage.ts'

/** OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat). */
export const openai: Protocol = {
  name: 'openai',
  route: '/v1/chat/completions',
  decodeRequest,
  encodeRequest,
  decodeResponse,
  // `created` comes from the context (the gateway clock); a caller without one gets the time read here at
  // the edge, as clients display it.
  encodeResponse: (response, context) => encodeResponse(response, context?.created ?? Math.floor(Date.now() / 1000)),
  decodeStream,
  encodeStream,
  streamDecoder,
  streamEncoder,
  usageOfEvent,
  usageOfResponse,
  encodeError,
  encodeStreamError,
  decodeError,
  probe,
}

export { decodeRequest, decodeResponse, decodeStream, encodeRequest, encodeResponse, encodeStream }
export { decodeError, encodeError, encodeStreamError, usageOfEvent, usageOfResponse }

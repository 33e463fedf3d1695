// The Anthropic Messages protocol: pure functions between its wire shapes and the IR.
import type { Protocol } from '../protocol.ts'
import { decodeRequest } from './decode-request.ts'
import { decodeStream, streamDecoder } from './decode-stream.ts'
import { encodeRequest } from './encode-request.ts'
import { encodeStream, streamEncoder } from './encode-stream.ts'
import { decodeError, encodeError, encodeStreamError } from './error.ts'
import { probe } from './probe.ts'
import { stripForeign } from './strip-foreign.ts'
import { decodeResponse, encodeResponse } from './response.ts'
import { usageOfEvent, usageOfResponse } from './usage.ts'

export const anthropic: Protocol = {
  name: 'anthropic',
  route: '/v1/messages',
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
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
  stripForeign,
}

export { DEFAULT_MAX_TOKENS } from './encode-request.ts'
export { sanitizeToolId } from './ids.ts'

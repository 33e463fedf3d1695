// The OpenAI Responses API (https://platform.openai.com/docs/api-reference/responses): pure functions
// between its wire shapes and the IR (SPEC §7.2).
import type { Protocol } from '../protocol.ts'
import { decodeRequest } from './decode-request.ts'
import { decodeStream, streamDecoder } from './decode-stream.ts'
import { encodeRequest } from './encode-request.ts'
import { encodeStream, streamEncoder } from './encode-stream.ts'
import { decodeError, encodeError, encodeStreamError } from './error.ts'
import { encodeCompaction } from './compaction.ts'
import { probe } from './probe.ts'
import { stripForeign } from './strip-foreign.ts'
import { decodeResponse, encodeResponse } from './response.ts'
import { usageOfEvent, usageOfResponse } from './usage.ts'

export const responses: Protocol = {
  name: 'responses',
  route: '/v1/responses',
  decodeRequest,
  encodeRequest,
  decodeResponse,
  // `created_at` is the one impure field when no context is given: read here at the edge, as the
  // openai protocol does; encodeResponse itself is pure.
  encodeResponse: (response, context) => encodeResponse(response, context ?? { id: '', model: '', created: Math.floor(Date.now() / 1000) }),
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
  encodeCompaction,
  // Codex reads these from a /responses answer and shows them in its status line (SPEC §7.2).
  windowHeaders: ({ usedPercent, windowMs, resetAtMs }) => ({
    'x-codex-primary-used-percent': usedPercent.toFixed(1),
    'x-codex-primary-window-minutes': String(Math.round(windowMs / 60_000)),
    'x-codex-primary-reset-at': String(Math.ceil(resetAtMs / 1000)),
  }),
}

export { sealCompaction, openCompaction, COMPACTION_HEADING } from './compaction.ts'
export { responseIdOf } from './ids.ts'

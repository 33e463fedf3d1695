import type { Protocol } from '../protocol.ts'
import { decodeEmbeddingsResponse, encodeEmbeddingsRequest } from './embeddings.ts'
import { decodeError } from './error.ts'
import { encodeRequest } from './request.ts'
import { decodeResponse } from './response.ts'
import { decodeStream, streamDecoder } from './stream.ts'
import { usageOfEvent, usageOfResponse } from './usage.ts'

/**
 * The half of a Protocol that a backend-only protocol needs: clients never speak Gemini, so there is no
 * decodeRequest, encodeResponse, encodeStream or encodeError.
 */
export type UpstreamProtocol = Pick<
  Protocol,
  'encodeRequest' | 'decodeResponse' | 'decodeStream' | 'streamDecoder' | 'usageOfEvent' | 'usageOfResponse' | 'decodeError'
>

export interface GeminiProtocol extends UpstreamProtocol {
  name: 'gemini'
  encodeRequest: typeof encodeRequest
  encodeEmbeddingsRequest: typeof encodeEmbeddingsRequest
  decodeEmbeddingsResponse: typeof decodeEmbeddingsResponse
}

/** Google's native Gemini API (generateContent, streamGenerateContent?alt=sse, batchEmbedContents). */
export const gemini: GeminiProtocol = {
  name: 'gemini',
  encodeRequest,
  decodeResponse,
  decodeStream,
  streamDecoder,
  usageOfEvent,
  usageOfResponse,
  decodeError,
  encodeEmbeddingsRequest,
  decodeEmbeddingsResponse,
}

export type { DecodedGeminiError } from './error.ts'
export { SKIP_SIGNATURE_VALIDATION } from './contents.ts'

import type { ErrorKind, GatewayError } from '../errors.ts'
import type { ChatRequest, ChatResponse, StreamPart } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { SseEvent } from '../sse/parse-sse.ts'
import type { PushTransform } from './push-transform.ts'

/** An upstream error's meaning; `retryAfterMs` when the body itself says how long to wait (Gemini). */
export interface DecodedError {
  kind: ErrorKind
  message: string
  retryAfterMs?: number
}

export type ProtocolName = 'anthropic' | 'openai'

/** What an encoder of a client-facing stream needs to know that the parts do not carry. */
export interface StreamContext {
  /** Used for message_start.usage.input_tokens until the upstream reports the real figure. */
  estimatedInputTokens: number
  /** OpenAI clients: send the usage chunk (stream_options.include_usage). */
  includeUsage: boolean
  /** Fallbacks when the upstream stream has no start part of its own. */
  id: string
  model: string
  /** Unix seconds, for OpenAI `created`. */
  created: number
}

/**
 * A wire protocol: pure functions between its JSON/SSE shapes and the IR. No fetch, no config, no Bun.*.
 * decode* accept `unknown` and throw GatewayError('invalid_request') (requests) or
 * GatewayError('bad_gateway') (upstream responses) with a clear message when the shape is wrong.
 */
export interface Protocol {
  name: ProtocolName
  decodeRequest(body: unknown): ChatRequest
  /** The request body for an upstream of this protocol, with `model` as given. */
  encodeRequest(request: ChatRequest, model: string): Record<string, unknown>
  decodeResponse(body: unknown): ChatResponse
  encodeResponse(response: ChatResponse): Record<string, unknown>
  decodeStream(events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart>
  /** Yields SSE text, one event per string, ready to write to the client. */
  encodeStream(parts: AsyncIterable<StreamPart>, context: StreamContext): AsyncGenerator<string>
  /** decodeStream as a push transform: the gateway's hot path (no promise hop per event). */
  streamDecoder(): PushTransform<SseEvent, StreamPart>
  /** encodeStream as a push transform. */
  streamEncoder(context: StreamContext): PushTransform<StreamPart, string>
  /** Usage carried by one event of this protocol's stream (passthrough reads usage on the side), or undefined. */
  usageOfEvent(event: SseEvent): Usage | undefined
  /** Usage of a non-streamed response body of this protocol (passthrough), or undefined. */
  usageOfResponse(body: unknown): Usage | undefined
  encodeError(error: GatewayError): Record<string, unknown>
  /** An error event in this protocol's stream (after the first byte, errors travel in-band). */
  encodeStreamError(error: GatewayError): string
  /** Reads an upstream error body of this protocol (any text; may not be JSON). */
  decodeError(status: number, bodyText: string): DecodedError
}

import type { ErrorKind, GatewayError } from '../errors.ts'
import type { ChatRequest, ChatResponse, StreamPart } from '../ir/index.ts'
import type { Usage } from '../ir/usage.ts'
import type { SseEvent } from '../sse/parse-sse.ts'
import type { PushTransform } from './push-transform.ts'
import type { ToolLookup } from '../ir/flat-tools.ts'

/** An upstream error's meaning; `retryAfterMs` when the body itself says how long to wait (Gemini). */
export interface DecodedError {
  kind: ErrorKind
  message: string
  retryAfterMs?: number
}

/** Every wire protocol llmux speaks; `gemini` only as a backend. */
export type ProtocolName = 'anthropic' | 'openai' | 'responses' | 'gemini'

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
  /**
   * The request's tools by the name a flattened backend knows them by: a client with custom or
   * namespaced tools (Responses) gets its calls back in its own terms (ir/flat-tools.ts).
   */
  tools?: ToolLookup
  /** Responses clients: whether to return reasoning tokens (`include: ["reasoning.encrypted_content"]`). */
  includeReasoningToken?: boolean
}

/**
 * How llmux reads a same-protocol stream it passes through untouched (STYLE "next shape" 1): which event
 * ends it, which is an error, and which network chunks can hold either or usage (the others skip the
 * SSE parser).
 */
export interface PassthroughProbe {
  isTerminal(event: SseEvent): boolean
  isError(event: SseEvent): boolean
  /**
   * Text that a chunk must hold for it to matter (usage, the end, an error): a chunk with none of these
   * skips the parser. Searched in the raw bytes, so passthrough never decodes such a chunk.
   */
  markers: readonly string[]
  /**
   * For a protocol whose streams carry usage only when asked (OpenAI `stream_options.include_usage`):
   * the top-level fields that ask for it when the client did not, and the event llmux then keeps from
   * the client, which did not expect it.
   */
  usageRequest?: {
    fieldsFor(json: Record<string, unknown>): Record<string, unknown> | undefined
    isUsageOnly(event: SseEvent): boolean
    /** Text an event carrying usage holds (also among `markers`): only such text is searched for the usage-only event. */
    usageMarkers: readonly string[]
  }
}

/**
 * A wire protocol: pure functions between its JSON/SSE shapes and the IR. No fetch, no config, no Bun.*.
 * decode* accept `unknown` and throw GatewayError('invalid_request') (requests) or
 * GatewayError('bad_gateway') (upstream responses) with a clear message when the shape is wrong.
 */
export interface Protocol {
  name: ProtocolName
  /** The path of this protocol's client door (SPEC §4). */
  route: string
  decodeRequest(body: unknown): ChatRequest
  /** The request body for an upstream of this protocol, with `model` as given. */
  encodeRequest(request: ChatRequest, model: string): Record<string, unknown>
  decodeResponse(body: unknown): ChatResponse
  /** `context` supplies what the response does not carry (fallback id and model, time, the request's tools). */
  encodeResponse(response: ChatResponse, context?: StreamContext): Record<string, unknown>
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
  probe: PassthroughProbe
  /**
   * Removes from a client's body what only llmux can read (its markers for reasoning of other origins,
   * its sealed compactions) before the body passes through to a backend of this same protocol.
   */
  stripForeign?(body: Record<string, unknown>): Record<string, unknown>
  /** Response headers that show a client the tightest rate window of the backend that served it (Codex's status line). */
  windowHeaders?(window: { usedPercent: number; windowMs: number; resetAtMs: number }): Record<string, string>
  /**
   * For a protocol whose clients ask for compaction (Responses, SPEC §7.2): the summary as this protocol's
   * one compaction output, as the body of its compact endpoint, a whole response or a stream.
   */
  encodeCompaction?(summary: string, usage: Usage, context: StreamContext, shape: CompactionShape): string
}

export type CompactionShape = 'compact' | 'response' | 'stream'

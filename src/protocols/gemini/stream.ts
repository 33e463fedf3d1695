import { GatewayError } from '../../errors.ts'
import type { StreamPart, Usage } from '../../ir/index.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { decodeErrorObject } from './error.ts'
import { isObject, objectOrUndefined, objectsOf, parseJson, stringOrUndefined, type JsonObject } from './narrow.ts'
import { blockReasonOf, FALLBACK_RESPONSE_ID } from './response.ts'
import { decodeStopReason } from './stop-reason.ts'
import { geminiProvenance } from './thought-signature.ts'
import { decodeFunctionCall } from './tool-call.ts'
import { decodeUsage } from './usage.ts'

/** Where the current thinking block stands: none open, open without a signature yet, or signed. */
type Thinking = 'none' | 'unsigned' | 'signed'

interface StreamState {
  responseId: string | undefined
  toolCount: number
  thinking: Thinking
}

/** Signs a thinking block that Gemini left unsigned, as the non-streamed decoder does. */
function* closeUnsigned(state: StreamState): Generator<StreamPart> {
  if (state.thinking === 'unsigned') yield { type: 'signature', provenance: geminiProvenance() }
  state.thinking = 'none'
}

/** Puts a thoughtSignature on the open thinking block, or on a new empty one when none is open. */
function* sign(state: StreamState, thoughtSignature: string): Generator<StreamPart> {
  if (state.thinking !== 'unsigned') yield { type: 'thinking', text: '' }
  yield { type: 'signature', provenance: geminiProvenance(thoughtSignature) }
  state.thinking = 'signed'
}

/**
 * One Gemini part as stream parts, the same mapping as decodeParts: a thoughtSignature on a non-thought
 * part signs the thinking block before it. Images have no stream part: dropped (llmux asks for text).
 */
function* decodePart(part: JsonObject, state: StreamState): Generator<StreamPart> {
  const text = stringOrUndefined(part.text) ?? ''
  const thoughtSignature = stringOrUndefined(part.thoughtSignature)
  if (part.thought === true) {
    if (text !== '') {
      yield { type: 'thinking', text }
      state.thinking = 'unsigned'
    }
    if (thoughtSignature !== undefined) yield* sign(state, thoughtSignature)
    return
  }
  if (thoughtSignature !== undefined) yield* sign(state, thoughtSignature)
  if (text !== '') {
    yield* closeUnsigned(state)
    yield { type: 'text', text }
  }
  if (isObject(part.functionCall)) {
    yield* closeUnsigned(state)
    const { id, name, arguments: args } = decodeFunctionCall(part.functionCall, state.responseId, state.toolCount)
    const index = state.toolCount++
    yield { type: 'tool_call_start', index, id, name }
    // Gemini sends each call whole: its arguments arrive as one delta.
    yield { type: 'tool_call_delta', index, arguments: args }
  }
}

function chunkOf(event: SseEvent): JsonObject {
  const chunk = parseJson(event.data)
  if (!isObject(chunk)) throw new GatewayError('bad_gateway', 'Gemini stream sent an event that is not a JSON object')
  if (isObject(chunk.error)) {
    const { kind, message, retryAfterMs } = decodeErrorObject(chunk.error)
    throw new GatewayError(kind, message, { retryAfterMs })
  }
  return chunk
}

function startOf(chunk: JsonObject): StreamPart {
  const id = stringOrUndefined(chunk.responseId) ?? FALLBACK_RESPONSE_ID
  const model = stringOrUndefined(chunk.modelVersion) ?? ''
  // Only the prompt side is final in the first chunk; output grows until the last one.
  const { inputTokens, cacheReadTokens } = decodeUsage(chunk.usageMetadata) ?? {}
  if (inputTokens === undefined) return { type: 'start', id, model }
  const usage: Usage = cacheReadTokens === undefined ? { inputTokens } : { inputTokens, cacheReadTokens }
  return { type: 'start', id, model, usage }
}

/**
 * streamGenerateContent?alt=sse: every `data:` is a whole GenerateContentResponse whose parts are the new
 * increment, and whose usageMetadata holds the running totals (the last one wins). The finish part comes
 * after the upstream ends, with the last finishReason seen. An error before the first chunk is thrown
 * (the gateway may still fail over); after it, it becomes an error part and the stream ends.
 */
export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart> => transformAsync(streamDecoder(), events)

export const streamDecoder = (): PushTransform<SseEvent, StreamPart> => pushTransform(decodeEvents)

function* decodeEvents(emit: (part: StreamPart) => void): Generator<void, void, SseEvent | typeof END> {
  let state: StreamState | undefined
  let finishReason: string | undefined
  let isBlocked = false
  let usage: Usage | undefined
  for (let event = yield; event !== END; event = yield) {
    let chunk: JsonObject
    try {
      chunk = chunkOf(event)
    } catch (error) {
      if (state === undefined || !(error instanceof GatewayError)) throw error
      emit({ type: 'error', kind: error.kind, message: error.message })
      return
    }
    if (state === undefined) {
      state = { responseId: stringOrUndefined(chunk.responseId), toolCount: 0, thinking: 'none' }
      emit(startOf(chunk))
    }
    const candidate = objectsOf(chunk.candidates)[0]
    for (const wirePart of objectsOf(objectOrUndefined(candidate?.content)?.parts)) {
      for (const part of decodePart(wirePart, state)) emit(part)
    }
    finishReason = stringOrUndefined(candidate?.finishReason) ?? finishReason
    isBlocked ||= blockReasonOf(chunk) !== undefined
    usage = decodeUsage(chunk.usageMetadata) ?? usage
  }
  if (state === undefined) throw new GatewayError('bad_gateway', 'Gemini stream ended without a single event')
  for (const part of closeUnsigned(state)) emit(part)
  if (finishReason === undefined && !isBlocked) {
    emit({ type: 'error', kind: 'bad_gateway', message: 'Gemini stream ended before its finish reason' })
    return
  }
  const stopReason = isBlocked ? 'content_filter' : decodeStopReason(finishReason, state.toolCount > 0)
  emit(usage === undefined ? { type: 'finish', stopReason } : { type: 'finish', stopReason, usage })
}

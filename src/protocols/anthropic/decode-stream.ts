// Anthropic stream events → IR stream parts (https://docs.claude.com/en/docs/build-with-claude/streaming).
import type { StopReason, StreamPart, Usage } from '../../ir/index.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { kindOfErrorType } from './error.ts'
import { type JsonObject, isObject } from '../read-json.ts'
import { decodeStopReason } from './stop-reason.ts'
import { decodeUsage, mergeUsage } from './usage.ts'

/** What each content block index holds: a tool call (with its IR index) or something else. */
type Block = { kind: 'tool'; toolIndex: number } | { kind: 'other' }

interface StreamState {
  blocks: Map<number, Block>
  toolCount: number
  usage: Usage | undefined
  stop: { reason: StopReason; sequence?: string } | undefined
}

export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart> => transformAsync(streamDecoder(), events)

export const streamDecoder = (): PushTransform<SseEvent, StreamPart> => pushTransform(decodeEvents)

function* decodeEvents(emit: (part: StreamPart) => void): Generator<void, void, SseEvent | typeof END> {
  const state: StreamState = { blocks: new Map(), toolCount: 0, usage: undefined, stop: undefined }
  for (let event = yield; event !== END; event = yield) {
    const data = parseData(event.data)
    if (data === undefined) {
      emit({ type: 'error', kind: 'bad_gateway', message: 'the upstream sent a stream event that is not a JSON object' })
      return
    }
    switch (data.type) {
      case 'message_start':
        emit(startOf(data, state))
        break
      case 'content_block_start':
        for (const part of blockStart(data, state)) emit(part)
        break
      case 'content_block_delta':
        for (const part of blockDelta(data, state)) emit(part)
        break
      case 'message_delta':
        readMessageDelta(data, state)
        break
      case 'message_stop':
        // The answer is complete only now: a stream cut after message_delta yields no finish.
        emit(finishOf(state))
        return
      case 'ping':
        emit({ type: 'ping' })
        break
      case 'error':
        emit(errorOf(data))
        return
      // content_block_stop: block ends are implied by the next part's type. Unknown events: ignored.
    }
  }
}

function parseData(text: string): JsonObject | undefined {
  try {
    const data: unknown = JSON.parse(text)
    return isObject(data) ? data : undefined
  } catch {
    return undefined
  }
}

const stringOf = (value: unknown): string => (typeof value === 'string' ? value : '')

function startOf(data: JsonObject, state: StreamState): StreamPart {
  const message = isObject(data.message) ? data.message : {}
  state.usage = decodeUsage(message.usage)
  const part: StreamPart = { type: 'start', id: stringOf(message.id), model: stringOf(message.model) }
  return state.usage === undefined ? part : { ...part, usage: state.usage }
}

function* blockStart(data: JsonObject, state: StreamState): Generator<StreamPart> {
  const index = typeof data.index === 'number' ? data.index : state.blocks.size
  const block = isObject(data.content_block) ? data.content_block : {}
  if (block.type !== 'tool_use') state.blocks.set(index, { kind: 'other' })
  switch (block.type) {
    case 'text':
      if (stringOf(block.text) !== '') yield { type: 'text', text: stringOf(block.text) }
      return
    case 'thinking':
      if (stringOf(block.thinking) !== '') yield { type: 'thinking', text: stringOf(block.thinking) }
      if (stringOf(block.signature) !== '') yield { type: 'signature', provenance: { origin: 'anthropic', token: stringOf(block.signature) } }
      return
    case 'redacted_thinking':
      yield { type: 'redacted_thinking', data: stringOf(block.data) }
      return
    case 'tool_use': {
      // The IR counts tool calls from 0, whatever their content block index.
      const toolIndex = state.toolCount++
      state.blocks.set(index, { kind: 'tool', toolIndex })
      yield { type: 'tool_call_start', index: toolIndex, id: stringOf(block.id), name: stringOf(block.name) }
      // Anthropic sends `input: {}` and the input as deltas; some compatible servers send it whole here.
      if (isObject(block.input) && Object.keys(block.input).length > 0) {
        yield { type: 'tool_call_delta', index: toolIndex, arguments: JSON.stringify(block.input) }
      }
      return
    }
    // server_tool_use and the server tools' result blocks have no IR home: their events are dropped.
  }
}

function* blockDelta(data: JsonObject, state: StreamState): Generator<StreamPart> {
  const delta = isObject(data.delta) ? data.delta : {}
  switch (delta.type) {
    case 'text_delta':
      if (stringOf(delta.text) !== '') yield { type: 'text', text: stringOf(delta.text) }
      return
    case 'thinking_delta':
      if (stringOf(delta.thinking) !== '') yield { type: 'thinking', text: stringOf(delta.thinking) }
      return
    case 'signature_delta':
      if (stringOf(delta.signature) !== '') yield { type: 'signature', provenance: { origin: 'anthropic', token: stringOf(delta.signature) } }
      return
    case 'input_json_delta': {
      const block = typeof data.index === 'number' ? state.blocks.get(data.index) : undefined
      const json = stringOf(delta.partial_json)
      // Deltas of a server_tool_use block (no IR home) and empty ones are dropped.
      if (block?.kind === 'tool' && json !== '') yield { type: 'tool_call_delta', index: block.toolIndex, arguments: json }
      return
    }
    // citations_delta: citations have no IR home, dropped.
  }
}

function readMessageDelta(data: JsonObject, state: StreamState): void {
  const delta = isObject(data.delta) ? data.delta : {}
  if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
    const sequence = typeof delta.stop_sequence === 'string' ? delta.stop_sequence : undefined
    state.stop = { reason: decodeStopReason(delta.stop_reason), sequence }
  }
  // Its usage holds running totals (output_tokens at least, and input/cache figures with some
  // providers): they replace what message_start said. container and stop_details: no IR home.
  state.usage = mergeUsage(state.usage, decodeUsage(data.usage))
}

function finishOf(state: StreamState): StreamPart {
  const finish: Extract<StreamPart, { type: 'finish' }> = { type: 'finish', stopReason: state.stop?.reason ?? 'end_turn' }
  if (state.stop?.sequence !== undefined) finish.stopSequence = state.stop.sequence
  if (state.usage !== undefined) finish.usage = state.usage
  return finish
}

function errorOf(data: JsonObject): StreamPart {
  const error = isObject(data.error) ? data.error : {}
  const message = stringOf(error.message) || 'the upstream stream reported an error'
  return { type: 'error', kind: kindOfErrorType(error.type) ?? 'api_error', message }
}

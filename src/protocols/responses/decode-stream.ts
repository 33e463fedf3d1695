// A Responses backend's SSE stream → IR stream parts (https://platform.openai.com/docs/api-reference/responses-streaming).
import { flatNameOf } from '../../ir/flat-tools.ts'
import type { StopReason, StreamPart, Usage } from '../../ir/index.ts'
import type { SseEvent } from '../../sse/parse-sse.ts'
import { END, pushTransform, transformAsync, type PushTransform } from '../push-transform.ts'
import { decodeErrorObject } from './error.ts'
import { isObject, numberOr, stringOr, type JsonObject } from '../read-json.ts'
import { decodeUsage } from './usage.ts'

/** A call item in progress: its IR index, and whether its arguments arrived as deltas. */
interface CallState {
  index: number
  hasArguments: boolean
}

interface StreamState {
  hasStarted: boolean
  /** Calls by item id (deltas name their item) and by output index (for servers that leave the id out). */
  calls: Map<string, CallState>
  callCount: number
  /** Reasoning items whose text has been sent, so a done item does not send it again. */
  reasoningWithText: Set<string>
  hasRefusal: boolean
}

export const decodeStream = (events: AsyncIterable<SseEvent>): AsyncGenerator<StreamPart> => transformAsync(streamDecoder(), events)

export const streamDecoder = (): PushTransform<SseEvent, StreamPart> => pushTransform(decodeEvents)

function* decodeEvents(emit: (part: StreamPart) => void): Generator<void, void, SseEvent | typeof END> {
  const state: StreamState = { hasStarted: false, calls: new Map(), callCount: 0, reasoningWithText: new Set(), hasRefusal: false }
  for (let event = yield; event !== END; event = yield) {
    const data = parseData(event.data)
    if (data === undefined) {
      emit({ type: 'error', kind: 'bad_gateway', message: 'the upstream sent a stream event that is not a JSON object' })
      return
    }
    const type = stringOr(data.type) ?? event.event
    switch (type) {
      case 'response.completed':
      case 'response.incomplete':
        for (const part of finishOf(data, state)) emit(part)
        return
      case 'response.failed':
        emit({ type: 'error', ...decodeErrorObject(isObject(data.response) ? data.response.error : undefined) })
        return
      case 'error':
        // The `error` event carries code and message at its top level.
        emit({ type: 'error', ...decodeErrorObject(isObject(data.error) ? data.error : data) })
        return
      case 'keepalive':
        emit({ type: 'ping' })
        break
      default:
        for (const part of decodeEvent(type, data, state)) emit(part)
    }
  }
  // No terminal event: the answer is not known to be complete.
  emit({ type: 'error', kind: 'bad_gateway', message: 'the upstream stream ended before response.completed' })
}

function parseData(text: string): JsonObject | undefined {
  try {
    const data: unknown = JSON.parse(text)
    return isObject(data) ? data : undefined
  } catch {
    return undefined
  }
}

function* decodeEvent(type: string | undefined, data: JsonObject, state: StreamState): Generator<StreamPart> {
  const delta = stringOr(data.delta) ?? ''
  switch (type) {
    case 'response.created': {
      if (state.hasStarted) return
      state.hasStarted = true
      const response = isObject(data.response) ? data.response : {}
      yield { type: 'start', id: stringOr(response.id), model: stringOr(response.model) }
      return
    }
    case 'response.output_item.added':
      if (isObject(data.item)) yield* itemAdded(data.item, data, state)
      return
    case 'response.output_item.done':
      if (isObject(data.item)) yield* itemDone(data.item, data, state)
      return
    case 'response.output_text.delta':
      if (delta !== '') yield { type: 'text', text: delta }
      return
    case 'response.refusal.delta':
      state.hasRefusal = true
      if (delta !== '') yield { type: 'text', text: delta }
      return
    case 'response.reasoning_summary_part.added':
      // Summary parts are paragraphs of one reasoning item: a blank line keeps them apart.
      if ((numberOr(data.summary_index) ?? 0) > 0) yield { type: 'thinking', text: '\n\n' }
      return
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      if (delta === '') return
      state.reasoningWithText.add(stringOr(data.item_id) ?? '')
      yield { type: 'thinking', text: delta }
      return
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta': {
      const call = callOf(data, state)
      if (call === undefined || delta === '') return
      call.hasArguments = true
      yield { type: 'tool_call_delta', index: call.index, arguments: delta }
      return
    }
    // created/in_progress snapshots, content_part and *.done events repeat what the deltas said;
    // hosted tool events and annotations have no IR home. Unknown events: ignored.
  }
}

/**
 * A call starts. A custom call's raw input travels as its arguments: `kind: 'custom'` cannot ride a
 * StreamPart, and a Responses client (the only one that knows custom tools) reaches a Responses backend
 * through passthrough, never through here.
 */
function* itemAdded(item: JsonObject, data: JsonObject, state: StreamState): Generator<StreamPart> {
  if (item.type !== 'function_call' && item.type !== 'custom_tool_call') return
  const index = state.callCount++
  const itemId = stringOr(item.id)
  const call: CallState = { index, hasArguments: false }
  state.calls.set(itemId ?? `#${String(data.output_index)}`, call)
  const name = flatNameOf(stringOr(item.name) ?? '', stringOr(item.namespace))
  const start: StreamPart = { type: 'tool_call_start', index, id: stringOr(item.call_id) ?? `call_${index}`, name }
  if (itemId !== undefined) start.itemId = itemId
  yield start
  // Some compatible servers send the whole call here, with no deltas after.
  const initial = stringOr(item.type === 'custom_tool_call' ? item.input : item.arguments) ?? ''
  if (initial !== '') {
    call.hasArguments = true
    yield { type: 'tool_call_delta', index, arguments: initial }
  }
}

function* itemDone(item: JsonObject, data: JsonObject, state: StreamState): Generator<StreamPart> {
  if (item.type === 'reasoning') {
    const itemId = stringOr(item.id)
    // A server that streams no summary deltas still has the summary in the done item.
    if (!state.reasoningWithText.has(itemId ?? '')) {
      const text = summaryOf(item)
      if (text !== '') yield { type: 'thinking', text }
    }
    const token = stringOr(item.encrypted_content)
    yield { type: 'signature', provenance: { origin: 'responses', ...(token ? { token } : {}), ...(itemId !== undefined && { itemId }) } }
    return
  }
  if (item.type !== 'function_call' && item.type !== 'custom_tool_call') return
  const call = callOf(data, state, stringOr(item.id))
  const whole = stringOr(item.type === 'custom_tool_call' ? item.input : item.arguments) ?? ''
  // Arguments that came only whole (no deltas) are sent now.
  if (call !== undefined && !call.hasArguments && whole !== '') {
    call.hasArguments = true
    yield { type: 'tool_call_delta', index: call.index, arguments: whole }
  }
}

function callOf(data: JsonObject, state: StreamState, itemId = stringOr(data.item_id)): CallState | undefined {
  return (itemId === undefined ? undefined : state.calls.get(itemId)) ?? state.calls.get(`#${String(data.output_index)}`)
}

const summaryOf = (item: JsonObject): string =>
  (Array.isArray(item.summary) ? item.summary : [])
    .flatMap((part) => (isObject(part) && typeof part.text === 'string' ? [part.text] : []))
    .join('\n\n')

function finishOf(data: JsonObject, state: StreamState): StreamPart[] {
  const response = isObject(data.response) ? data.response : {}
  const parts: StreamPart[] = []
  if (!state.hasStarted) parts.push({ type: 'start', id: stringOr(response.id), model: stringOr(response.model) })
  const usage: Usage | undefined = decodeUsage(response.usage)
  const finish: Extract<StreamPart, { type: 'finish' }> = { type: 'finish', stopReason: stopReasonOf(data, response, state) }
  if (usage !== undefined) finish.usage = usage
  parts.push(finish)
  return parts
}

function stopReasonOf(data: JsonObject, response: JsonObject, state: StreamState): StopReason {
  if (data.type === 'response.incomplete' || response.status === 'incomplete') {
    const details = isObject(response.incomplete_details) ? response.incomplete_details : {}
    return details.reason === 'content_filter' ? 'content_filter' : 'max_tokens'
  }
  if (state.callCount > 0) return 'tool_use'
  return state.hasRefusal ? 'refusal' : 'end_turn'
}

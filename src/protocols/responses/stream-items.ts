// The output items of an encoded Responses stream: opens, fills and closes them with the exact event
// grammar the openai SDK's accumulator and Codex expect (SPEC §7.2), numbering every event.
import type { Provenance } from '../../ir/content.ts'
import { customInputOf, restoreToolCall } from '../../ir/flat-tools.ts'
import type { StreamPart } from '../../ir/stream.ts'
import { formatSse } from '../../sse/format-sse.ts'
import { itemIdOf } from './ids.ts'
import { messageItem, reasoningItem, redactedItem, type ItemContext } from './output-items.ts'
import type { ResponsesOutputItem } from './wire.ts'

type ToolCallStart = Extract<StreamPart, { type: 'tool_call_start' }>

interface OpenText {
  outputIndex: number
  id: string
  text: string
}

interface OpenCall {
  outputIndex: number
  id: string
  callId: string
  name: string
  namespace?: string
  /** A custom tool offered to a flattened backend: its JSON `{"input": …}` is held until the call ends. */
  isCustom: boolean
  arguments: string
}

export class StreamItems {
  private sequence = 0
  /** Finished items by output index (closed out of order when parallel calls interleave). */
  private readonly done: ResponsesOutputItem[] = []
  private nextIndex = 0
  private message: OpenText | undefined
  private reasoning: (OpenText & { hasPart: boolean }) | undefined
  private readonly calls = new Map<number, OpenCall>()

  constructor(private readonly context: ItemContext) {}

  /** One event with the next sequence number; the `event:` line mirrors the type (Codex reads only data). */
  event(type: string, fields: Record<string, unknown> = {}): string {
    return formatSse(JSON.stringify({ type, sequence_number: this.sequence++, ...fields }), type)
  }

  /**
   * A delta event written directly (one per token): byte for byte what `event` makes of
   * `{ item_id, output_index, [place]: 0, delta, logprobs: [] }` (no place and no logprobs for call
   * arguments), without building and stringifying the object.
   */
  private delta(type: string, item: { id: string; outputIndex: number }, place: 'content_index' | 'summary_index' | undefined, text: string): string {
    const at = place === undefined ? '' : `,"${place}":0`
    const logprobs = place === 'content_index' ? ',"logprobs":[]' : ''
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.sequence++},"item_id":${JSON.stringify(item.id)},"output_index":${item.outputIndex}${at},"delta":${JSON.stringify(text)}${logprobs}}\n\n`
  }

  /** The finished items, in output order. */
  get output(): ResponsesOutputItem[] {
    return this.done.filter((item) => item !== undefined)
  }

  *text(text: string): Generator<string> {
    if (text === '') return
    yield* this.closeReasoning(undefined)
    if (this.message === undefined) {
      const outputIndex = this.nextIndex++
      this.message = { outputIndex, id: itemIdOf('msg', this.context.responseId, outputIndex), text: '' }
      yield this.added(outputIndex, { ...messageItem(this.message.id, [], 'in_progress') })
      yield this.event('response.content_part.added', { ...this.textPlace(this.message), part: outputText('') })
    }
    this.message.text += text
    yield this.delta('response.output_text.delta', this.message, 'content_index', text)
  }

  *thinking(text: string): Generator<string> {
    if (text === '') return
    const reasoning = yield* this.openReasoning()
    if (!reasoning.hasPart) {
      reasoning.hasPart = true
      yield this.event('response.reasoning_summary_part.added', { ...this.summaryPlace(reasoning), part: summaryText('') })
    }
    reasoning.text += text
    yield this.delta('response.reasoning_summary_text.delta', reasoning, 'summary_index', text)
  }

  /** The signature closes the reasoning before it (one with no text still becomes an item: it has a token). */
  *signature(provenance: Provenance): Generator<string> {
    yield* this.openReasoning()
    yield* this.closeReasoning(provenance)
  }

  *redactedThinking(data: string): Generator<string> {
    yield* this.closeMessage()
    yield* this.closeReasoning(undefined)
    const item = redactedItem(itemIdOf('rs', this.context.responseId, this.nextIndex), data, this.context)
    if (item === undefined) return
    const outputIndex = this.nextIndex++
    yield this.added(outputIndex, { ...item, summary: [], encrypted_content: undefined })
    yield* this.finish(outputIndex, item)
  }

  *toolCallStart(part: ToolCallStart): Generator<string> {
    yield* this.closeMessage()
    yield* this.closeReasoning(undefined)
    const call = this.context.tools === undefined ? undefined : restoreToolCall({ type: 'tool_call', id: part.id, name: part.name, arguments: '' }, this.context.tools)
    const outputIndex = this.nextIndex++
    const isCustom = call?.kind === 'custom'
    const open: OpenCall = {
      outputIndex,
      id: part.itemId ?? itemIdOf(isCustom ? 'ctc' : 'fc', this.context.responseId, outputIndex),
      callId: part.id,
      name: call?.name ?? part.name,
      isCustom,
      arguments: '',
    }
    if (call?.namespace !== undefined) open.namespace = call.namespace
    this.calls.set(part.index, open)
    yield this.added(outputIndex, isCustom ? { ...customItem(open, ''), status: 'in_progress' } : { ...functionItem(open), status: 'in_progress', arguments: '' })
  }

  /** A delta for a call already closed (or never started) has no item to belong to: dropped. */
  *toolCallDelta(index: number, text: string): Generator<string> {
    const call = this.calls.get(index)
    if (call === undefined || text === '') return
    call.arguments += text
    if (!call.isCustom) yield this.delta('response.function_call_arguments.delta', call, undefined, text)
  }

  /** Every open item done, in output order: the answer is complete. */
  *closeAll(): Generator<string> {
    yield* this.closeMessage()
    yield* this.closeReasoning(undefined)
    const calls = [...this.calls.values()].sort((a, b) => a.outputIndex - b.outputIndex)
    this.calls.clear()
    for (const call of calls) yield* call.isCustom ? this.closeCustom(call) : this.closeFunction(call)
  }

  private *closeFunction(call: OpenCall): Generator<string> {
    // An empty argument string is not JSON: a call without input says `{}` (Codex parses arguments).
    const item = functionItem(call)
    yield this.event('response.function_call_arguments.done', { item_id: call.id, output_index: call.outputIndex, name: call.name, arguments: item.arguments })
    yield* this.finish(call.outputIndex, item)
  }

  /** The whole raw input in one delta: it is known only now, once the JSON around it is complete. */
  private *closeCustom(call: OpenCall): Generator<string> {
    const input = customInputOf(call.arguments)
    const place = { item_id: call.id, output_index: call.outputIndex }
    if (input !== '') yield this.event('response.custom_tool_call_input.delta', { ...place, delta: input })
    yield this.event('response.custom_tool_call_input.done', { ...place, input })
    yield* this.finish(call.outputIndex, customItem(call, input))
  }

  private *openReasoning(): Generator<string, OpenText & { hasPart: boolean }> {
    yield* this.closeMessage()
    if (this.reasoning !== undefined) return this.reasoning
    const outputIndex = this.nextIndex++
    this.reasoning = { outputIndex, id: itemIdOf('rs', this.context.responseId, outputIndex), text: '', hasPart: false }
    yield this.added(outputIndex, { id: this.reasoning.id, type: 'reasoning', summary: [] })
    return this.reasoning
  }

  private *closeReasoning(provenance: Provenance | undefined): Generator<string> {
    const reasoning = this.reasoning
    if (reasoning === undefined) return
    this.reasoning = undefined
    if (reasoning.hasPart) {
      yield this.event('response.reasoning_summary_text.done', { ...this.summaryPlace(reasoning), text: reasoning.text })
      yield this.event('response.reasoning_summary_part.done', { ...this.summaryPlace(reasoning), part: summaryText(reasoning.text) })
    }
    // An OpenAI token belongs to its own item id, known only now: the done item (the one Codex keeps and
    // echoes) carries that id, though the added event announced the placeholder.
    const id = provenance?.origin === 'responses' && provenance.itemId !== undefined ? provenance.itemId : reasoning.id
    yield* this.finish(reasoning.outputIndex, reasoningItem(id, reasoning.text, provenance, this.context))
  }

  private *closeMessage(): Generator<string> {
    const message = this.message
    if (message === undefined) return
    this.message = undefined
    yield this.event('response.output_text.done', { ...this.textPlace(message), text: message.text, logprobs: [] })
    yield this.event('response.content_part.done', { ...this.textPlace(message), part: outputText(message.text) })
    yield* this.finish(message.outputIndex, messageItem(message.id, [message.text], 'completed'))
  }

  private added(outputIndex: number, item: Record<string, unknown>): string {
    return this.event('response.output_item.added', { output_index: outputIndex, item })
  }

  /** output_item.done carries the whole item: Codex acts on calls only from it (SPEC §7.2). */
  private *finish(outputIndex: number, item: ResponsesOutputItem): Generator<string> {
    this.done[outputIndex] = item
    yield this.event('response.output_item.done', { output_index: outputIndex, item })
  }

  private textPlace(message: OpenText): Record<string, unknown> {
    return { item_id: message.id, output_index: message.outputIndex, content_index: 0 }
  }

  private summaryPlace(reasoning: OpenText): Record<string, unknown> {
    return { item_id: reasoning.id, output_index: reasoning.outputIndex, summary_index: 0 }
  }
}

const outputText = (text: string) => ({ type: 'output_text', text, annotations: [] })
const summaryText = (text: string) => ({ type: 'summary_text', text })

function functionItem(call: OpenCall): ResponsesOutputItem & { type: 'function_call'; arguments: string } {
  const namespace = call.namespace === undefined ? {} : { namespace: call.namespace }
  return { id: call.id, type: 'function_call', status: 'completed', call_id: call.callId, name: call.name, ...namespace, arguments: call.arguments || '{}' }
}

function customItem(call: OpenCall, input: string): ResponsesOutputItem {
  const namespace = call.namespace === undefined ? {} : { namespace: call.namespace }
  return { id: call.id, type: 'custom_tool_call', status: 'completed', call_id: call.callId, name: call.name, ...namespace, input }
}

// IR answer content → Responses output items: what encodeResponse returns and what each
// `response.output_item.done` of a stream carries.
import type { ContentPart, Provenance, ToolCallPart } from '../../ir/content.ts'
import { restoreToolCall, type ToolLookup } from '../../ir/flat-tools.ts'
import { opaqueOf } from '../../ir/signature.ts'
import { itemIdOf } from './ids.ts'
import type { ResponsesOutputItem, ResponsesOutputMessage, ResponsesReasoning } from './wire.ts'

/** What the items need to know that the parts do not carry. */
export interface ItemContext {
  responseId: string
  /** The request's tools by flattened name: calls come back in the client's own terms (SPEC §7.2). */
  tools?: ToolLookup
  /** The client asked for `include: ["reasoning.encrypted_content"]`. */
  includeReasoningToken?: boolean
}

export const messageItem = (id: string, texts: string[], status: ResponsesOutputMessage['status']): ResponsesOutputMessage => ({
  id,
  type: 'message',
  role: 'assistant',
  status,
  content: texts.map((text) => ({ type: 'output_text', text, annotations: [] })),
})

/**
 * A reasoning item. Its token travels in `encrypted_content` only when the client asked for it: an
 * OpenAI token as it is, reasoning of any other origin as a marker (`llmux:anthropic:<signature>`), read
 * back to the same provenance when the client echoes the item (SPEC §7.2).
 */
export function reasoningItem(id: string, text: string, provenance: Provenance | undefined, context: ItemContext): ResponsesReasoning {
  const item: ResponsesReasoning = { id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] }
  if (context.includeReasoningToken === true && provenance !== undefined) item.encrypted_content = opaqueOf(provenance, 'responses')
  return item
}

/** Redacted thinking can only be carried as a marked token; without one the item would mean nothing. */
export function redactedItem(id: string, data: string, context: ItemContext): ResponsesReasoning | undefined {
  if (context.includeReasoningToken !== true) return undefined
  return { id, type: 'reasoning', summary: [], encrypted_content: opaqueOf({ origin: 'anthropic-redacted', token: data }, 'responses') }
}

/**
 * A call from any backend, in the client's terms: a flattened custom call `{"input": …}` becomes a
 * custom_tool_call with the raw text, never JSON-wrapped; a namespaced name is split back.
 */
export function callItem(part: ToolCallPart, outputIndex: number, context: ItemContext): ResponsesOutputItem {
  const call = context.tools === undefined ? part : restoreToolCall(part, context.tools)
  const namespace = call.namespace === undefined ? {} : { namespace: call.namespace }
  if (call.kind === 'custom') {
    const id = call.itemId ?? itemIdOf('ctc', context.responseId, outputIndex)
    return { id, type: 'custom_tool_call', status: 'completed', call_id: call.id, name: call.name, ...namespace, input: call.arguments }
  }
  const id = call.itemId ?? itemIdOf('fc', context.responseId, outputIndex)
  return { id, type: 'function_call', status: 'completed', call_id: call.id, name: call.name, ...namespace, arguments: call.arguments || '{}' }
}

/** The answer's parts in order; a run of text parts is one message. */
export function outputItemsOf(content: readonly ContentPart[], context: ItemContext): ResponsesOutputItem[] {
  const items: ResponsesOutputItem[] = []
  let texts: string[] = []
  const flushText = (): void => {
    if (texts.length > 0) items.push(messageItem(itemIdOf('msg', context.responseId, items.length), texts, 'completed'))
    texts = []
  }
  for (const part of content) {
    if (part.type === 'text') {
      texts.push(part.text)
      continue
    }
    flushText()
    const index = items.length
    if (part.type === 'tool_call') items.push(callItem(part, index, context))
    else if (part.type === 'thinking') items.push(reasoningItem(part.provenance?.itemId ?? itemIdOf('rs', context.responseId, index), part.text, part.provenance, context))
    else if (part.type === 'redacted_thinking') {
      const item = redactedItem(itemIdOf('rs', context.responseId, index), part.data, context)
      if (item !== undefined) items.push(item)
    }
    // Images and tool results do not occur in an answer.
  }
  flushText()
  return items
}

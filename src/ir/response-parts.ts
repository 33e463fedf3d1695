import type { ContentPart, ThinkingPart, ToolCallPart } from './content.ts'
import type { ChatResponse } from './response.ts'
import type { StreamPart } from './stream.ts'
import { mergeUsage, type Usage } from './usage.ts'

/**
 * A whole answer as the parts a stream of it would carry (the answer cache replays a stored answer to a
 * streaming client): start, then each content part in order, then finish with the usage.
 * A tool call's `kind` and `namespace` have no stream part: the client's encoder maps names back from
 * its context, as it does for a live stream.
 */
export function partsOfResponse(response: ChatResponse): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id: response.id, model: response.model, usage: response.usage }]
  let toolIndex = 0
  for (const part of response.content) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text })
    else if (part.type === 'thinking') {
      parts.push({ type: 'thinking', text: part.text })
      if (part.provenance) parts.push({ type: 'signature', provenance: part.provenance })
    } else if (part.type === 'redacted_thinking') parts.push({ type: 'redacted_thinking', data: part.data })
    else if (part.type === 'tool_call') {
      const index = toolIndex++
      parts.push({ type: 'tool_call_start', index, id: part.id, name: part.name, ...(part.itemId !== undefined && { itemId: part.itemId }) })
      if (part.arguments !== '') parts.push({ type: 'tool_call_delta', index, arguments: part.arguments })
    }
    // Images and tool results never occur in an answer.
  }
  parts.push({ type: 'finish', stopReason: response.stopReason, stopSequence: response.stopSequence, usage: response.usage })
  return parts
}

/**
 * Gathers a stream's parts into the whole answer; undefined when the stream did not finish or carried
 * an error (only complete answers are kept).
 */
export function responseOfParts(parts: Iterable<StreamPart>): ChatResponse | undefined {
  const content: ContentPart[] = []
  const toolCalls = new Map<number, ToolCallPart>()
  const usage: Usage = {}
  let response: Omit<ChatResponse, 'content' | 'usage'> | undefined
  let start: { id?: string; model?: string } = {}
  const last = () => content[content.length - 1]
  for (const part of parts) {
    switch (part.type) {
      case 'start':
        start = { id: part.id, model: part.model }
        mergeUsage(usage, part.usage)
        break
      case 'text': {
        const open = last()
        if (open?.type === 'text') open.text += part.text
        else content.push({ type: 'text', text: part.text })
        break
      }
      case 'thinking': {
        const open = last()
        if (open?.type === 'thinking' && open.provenance === undefined) open.text += part.text
        else content.push({ type: 'thinking', text: part.text })
        break
      }
      case 'signature': {
        const open = last()
        if (open?.type === 'thinking' && open.provenance === undefined) open.provenance = part.provenance
        else content.push({ type: 'thinking', text: '', provenance: part.provenance } satisfies ThinkingPart)
        break
      }
      case 'redacted_thinking':
        content.push({ type: 'redacted_thinking', data: part.data })
        break
      case 'tool_call_start': {
        const call: ToolCallPart = { type: 'tool_call', id: part.id, name: part.name, arguments: '', ...(part.itemId !== undefined && { itemId: part.itemId }) }
        toolCalls.set(part.index, call)
        content.push(call)
        break
      }
      case 'tool_call_delta': {
        const call = toolCalls.get(part.index)
        if (call !== undefined) call.arguments += part.arguments
        break
      }
      case 'usage':
        mergeUsage(usage, part.usage)
        break
      case 'finish':
        mergeUsage(usage, part.usage)
        response = { stopReason: part.stopReason, ...(part.stopSequence !== undefined && { stopSequence: part.stopSequence }) }
        break
      case 'error':
        return undefined
      case 'ping':
        break
    }
  }
  if (response === undefined) return undefined
  return { ...(start.id !== undefined && { id: start.id }), ...(start.model !== undefined && { model: start.model }), ...response, content, usage }
}

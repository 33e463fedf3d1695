// IR turns → Responses input items, for a Responses backend.
import type { ContentPart, ImageSource, TextPart, ThinkingPart, ToolCallPart, ToolResultPart } from '../../ir/content.ts'
import type { Message } from '../../ir/request.ts'
import type { ResponsesInputContent, ResponsesInputItem, ResponsesReasoning, ResponsesToolOutput } from './wire.ts'

export function encodeInput(messages: readonly Message[]): ResponsesInputItem[] {
  return messages.flatMap((message) => {
    if (message.role === 'assistant') return encodeAssistant(message.content)
    if (message.role === 'system') return [{ type: 'message', role: 'developer', content: textContent(message.content, 'input_text') }]
    return encodeUserTurn(message.content)
  })
}

/** Text parts as message content of one type (input_text for user/developer, output_text for assistant). */
function textContent(parts: readonly ContentPart[], type: 'input_text' | 'output_text'): ResponsesInputContent[] {
  return parts.flatMap((part) => (part.type === 'text' ? [{ type, text: part.text }] : []))
}

/**
 * An assistant turn, item by item in order: its texts as one assistant message per run, its calls as
 * function_call / custom_tool_call items (call_id = the IR id, id = the item id when one is known), its
 * reasoning as reasoning items. Only reasoning with an OpenAI token can go back: a Responses backend
 * cannot verify reasoning of any other origin (an Anthropic signature, a Gemini thought, plain reasoning
 * text), and redacted thinking is Anthropic's alone. Those are dropped.
 */
function encodeAssistant(parts: readonly ContentPart[]): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = []
  let texts: ResponsesInputContent[] = []
  const flushText = (): void => {
    if (texts.length > 0) items.push({ type: 'message', role: 'assistant', content: texts })
    texts = []
  }
  for (const part of parts) {
    if (part.type === 'text') {
      texts.push({ type: 'output_text', text: part.text })
      continue
    }
    flushText()
    if (part.type === 'tool_call') items.push(encodeCall(part))
    else if (part.type === 'thinking') items.push(...encodeReasoning(part))
  }
  flushText()
  return items
}

function encodeCall(part: ToolCallPart): ResponsesInputItem {
  const ids = { ...(part.itemId !== undefined && { id: part.itemId }), call_id: part.id }
  const namespace = part.namespace === undefined ? {} : { namespace: part.namespace }
  if (part.kind === 'custom') return { type: 'custom_tool_call', ...ids, name: part.name, ...namespace, input: part.arguments }
  // An empty argument string is not JSON; OpenAI parses arguments.
  return { type: 'function_call', ...ids, name: part.name, ...namespace, arguments: part.arguments || '{}' }
}

/** A reasoning item needs its id and token: without them OpenAI would look it up in a store llmux never uses. */
function encodeReasoning(part: ThinkingPart): ResponsesReasoning[] {
  const provenance = part.provenance
  if (provenance?.origin !== 'responses' || provenance.token === undefined || provenance.itemId === undefined) return []
  const summary = part.text === '' ? [] : [{ type: 'summary_text' as const, text: part.text }]
  return [{ type: 'reasoning', id: provenance.itemId, summary, encrypted_content: provenance.token }]
}

/** A user turn: its tool outputs first (they answer the calls just before), then one message with the rest. */
function encodeUserTurn(parts: readonly ContentPart[]): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = []
  const content: ResponsesInputContent[] = []
  for (const part of parts) {
    if (part.type === 'tool_result') items.push(encodeResult(part))
    else if (part.type === 'text') content.push({ type: 'input_text', text: part.text })
    else if (part.type === 'image') content.push({ type: 'input_image', image_url: urlOf(part.source), detail: 'auto' })
    // Calls and reasoning do not occur in a user turn.
  }
  if (content.length > 0 || items.length === 0) items.push({ type: 'message', role: 'user', content })
  return items
}

/**
 * Responses has no error flag on tool outputs: an error result is prefixed with "Error: " so the model
 * still learns the call failed. Text-only output is sent as a string, the form every server accepts.
 */
function encodeResult(part: ToolResultPart): ResponsesInputItem {
  const type = part.kind === 'custom' ? 'custom_tool_call_output' : 'function_call_output'
  return { type, call_id: part.toolCallId, output: outputOf(part) }
}

function outputOf(part: ToolResultPart): ResponsesToolOutput {
  const prefix = part.isError === true ? 'Error: ' : ''
  if (part.content.every((inner): inner is TextPart => inner.type === 'text')) {
    const text = part.content.map((inner) => inner.text).join('\n\n')
    return part.isError === true && text === '' ? 'Error' : `${prefix}${text}`
  }
  const output: Exclude<ResponsesToolOutput, string> = prefix === '' ? [] : [{ type: 'input_text', text: 'Error:' }]
  for (const inner of part.content) {
    output.push(inner.type === 'text' ? { type: 'input_text', text: inner.text } : { type: 'input_image', image_url: urlOf(inner.source), detail: 'auto' })
  }
  return output
}

function urlOf(source: ImageSource): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`
}

import type { ContentPart, TextPart, ToolCallPart, ToolResultPart } from '../../ir/content.ts'
import type { Message } from '../../ir/request.ts'
import { decodeTextContent, decodeUserContent } from './decode-content.ts'
import { invalid, isObject, requireArray, requireObject, requireString, stringOrUndefined } from './narrow.ts'

/**
 * `messages` → IR system prompt and turns. System and developer messages before the first other turn
 * form the system prompt; later ones stay in place as system turns. Consecutive tool messages become
 * one user turn of tool results, the shape Anthropic-style backends need.
 */
export function decodeMessages(value: unknown): { system: TextPart[]; messages: Message[] } {
  if (!Array.isArray(value) || value.length === 0) throw invalid('messages', 'a non-empty array of messages', value)
  const system: TextPart[] = []
  const messages: Message[] = []
  value.forEach((raw, i) => {
    const path = `messages[${i}]`
    const message = requireObject(raw, path)
    const role = requireString(message, 'role', path)
    // A message's `name` (a participant label) has no IR home: dropped.
    if (role === 'system' || role === 'developer') {
      const parts = decodeTextContent(message.content, `${path}.content`)
      if (messages.length === 0) system.push(...parts)
      else messages.push({ role: 'system', content: parts })
    } else if (role === 'user') {
      messages.push({ role: 'user', content: decodeUserContent(message.content, `${path}.content`) })
    } else if (role === 'assistant') {
      messages.push({ role: 'assistant', content: decodeAssistant(message, path) })
    } else if (role === 'tool') {
      appendToolResult(messages, decodeToolMessage(message, path))
    } else {
      // "function" messages belong to the pre-tools API, which llmux does not translate.
      throw invalid(`${path}.role`, '"system", "developer", "user", "assistant" or "tool"', role)
    }
  })
  return { system, messages }
}

function decodeAssistant(message: Record<string, unknown>, path: string): ContentPart[] {
  const content: ContentPart[] = []
  // DeepSeek and vLLM echo reasoning as reasoning_content, OpenRouter as reasoning. It has no signature
  // of its own; the marker names its origin so an Anthropic backend never receives it (SPEC §7.1).
  const reasoning = stringOrUndefined(message.reasoning_content) ?? stringOrUndefined(message.reasoning)
  if (reasoning) content.push({ type: 'thinking', text: reasoning, provenance: { origin: 'openai' } })
  content.push(...decodeTextContent(message.content, `${path}.content`))
  // `refusal` repeats what the model said when it refused: kept as text.
  const refusal = stringOrUndefined(message.refusal)
  if (refusal) content.push({ type: 'text', text: refusal })
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    requireArray(message.tool_calls, `${path}.tool_calls`).forEach((raw, i) => {
      const call = decodeToolCall(raw, `${path}.tool_calls[${i}]`)
      if (call !== undefined) content.push(call)
    })
  }
  // function_call (the pre-tools single call) and audio have no IR home: dropped.
  return content
}

function decodeToolCall(raw: unknown, path: string): ToolCallPart | undefined {
  const call = requireObject(raw, path)
  // Custom (free-text) tools have no counterpart in other protocols: dropped.
  if (call.type !== undefined && call.type !== 'function') return undefined
  const fn = requireObject(call.function, `${path}.function`)
  const args = fn.arguments
  return {
    type: 'tool_call',
    id: requireString(call, 'id', path),
    name: requireString(fn, 'name', `${path}.function`),
    // Some clients (Ollama-style) send arguments as an object instead of JSON text.
    arguments: isObject(args) ? JSON.stringify(args) : args === undefined ? '{}' : requireString(fn, 'arguments', `${path}.function`),
  }
}

function decodeToolMessage(message: Record<string, unknown>, path: string): ToolResultPart {
  return {
    type: 'tool_result',
    toolCallId: requireString(message, 'tool_call_id', path),
    content: decodeTextContent(message.content, `${path}.content`),
  }
}

function appendToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages.at(-1)
  const isToolTurn = last?.role === 'user' && last.content.length > 0 && last.content.every((part) => part.type === 'tool_result')
  if (isToolTurn) last.content.push(result)
  else messages.push({ role: 'user', content: [result] })
}

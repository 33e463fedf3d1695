// Responses `input` (a string or a list of items) → IR system prompt, turns and extra tools (SPEC §7.2).
import type { ContentPart, RedactedThinkingPart, TextPart, ThinkingPart, ToolCallPart, ToolResultPart } from '../../ir/content.ts'
import type { Message, ToolDefinition } from '../../ir/request.ts'
import { provenanceOf } from '../../ir/signature.ts'
import { COMPACTION_HEADING, openCompaction } from './compaction.ts'
import { decodeMessageContent, decodeToolOutput } from './decode-content.ts'
import { arrayAt, invalid, isObject, objectAt, optionalString, pathOf, stringAt, unsupported, type JsonObject } from '../read-json.ts'
import { decodeTools } from './tools.ts'

export interface DecodedInput {
  system: TextPart[]
  messages: Message[]
  /** Tools from `additional_tools` items (Codex's "Responses Lite"): tools like any other. */
  tools: ToolDefinition[]
}

/**
 * Items in order become turns: system/developer messages before any other turn form the system prompt,
 * later ones stay in place as system turns; consecutive assistant-side items (output messages, calls,
 * reasoning) form one assistant turn, consecutive tool outputs one user turn of tool results.
 */
export function decodeInput(value: unknown): DecodedInput {
  const input: DecodedInput = { system: [], messages: [], tools: [] }
  if (typeof value === 'string') {
    if (value !== '') input.messages.push({ role: 'user', content: [{ type: 'text', text: value }] })
    return input
  }
  arrayAt(value, 'input').forEach((raw, i) => decodeItem(raw, pathOf('input', i), input))
  return input
}

function decodeItem(raw: unknown, path: string, input: DecodedInput): void {
  const item = objectAt(raw, path)
  // An EasyInputMessage ({role, content}) may leave out its type.
  const type = item.type === undefined && item.role !== undefined ? 'message' : stringAt(item, 'type', path)
  switch (type) {
    case 'message':
      return decodeMessage(item, path, input)
    case 'function_call':
    case 'custom_tool_call':
      return pushAssistant(input.messages, decodeCall(item, path, type))
    case 'function_call_output':
    case 'custom_tool_call_output':
      return pushToolResult(input.messages, decodeOutput(item, path, type))
    case 'reasoning':
      return pushAssistant(input.messages, decodeReasoning(item, path))
    case 'compaction':
      return decodeCompaction(item, path, input)
    case 'additional_tools':
      input.tools.push(...decodeTools(item.tools, pathOf(path, 'tools')))
      return
    case 'item_reference':
      return unsupported(path, 'llmux keeps no stored items; send the item itself instead of an item_reference (with store: false)')
    default:
      // Hosted tool calls and their results (web_search_call, file_search_call, image_generation_call,
      // code_interpreter_call, computer_call(_output), local_shell_call(_output), shell_call(_output),
      // apply_patch_call(_output), mcp_*, tool_search_call/_output) belong to tools no other backend runs,
      // and compaction_trigger, which decodeRequest turns into `isCompaction`: dropped here.
      return
  }
}

function decodeMessage(item: JsonObject, path: string, input: DecodedInput): void {
  const role = stringAt(item, 'role', path)
  const content = decodeMessageContent(item.content, pathOf(path, 'content'))
  // A message item's id, status and phase have no IR home: dropped.
  if (role === 'system' || role === 'developer') {
    const text = content.filter((part): part is TextPart => part.type === 'text')
    if (input.messages.length === 0) input.system.push(...text)
    else input.messages.push({ role: 'system', content: text })
  } else if (role === 'user') {
    input.messages.push({ role: 'user', content })
  } else if (role === 'assistant') {
    pushAssistant(input.messages, ...content.filter((part) => part.type === 'text'))
  } else {
    invalid(pathOf(path, 'role'), '"user", "assistant", "system" or "developer"', role)
  }
}

function decodeCall(item: JsonObject, path: string, type: 'function_call' | 'custom_tool_call'): ToolCallPart {
  const call: ToolCallPart = {
    type: 'tool_call',
    id: stringAt(item, 'call_id', path),
    name: stringAt(item, 'name', path),
    arguments: type === 'custom_tool_call' ? stringAt(item, 'input', path) : argumentsOf(item, path),
  }
  if (type === 'custom_tool_call') call.kind = 'custom'
  const itemId = optionalString(item, 'id', path)
  if (itemId !== undefined) call.itemId = itemId
  const namespace = optionalString(item, 'namespace', path)
  if (namespace !== undefined) call.namespace = namespace
  // status and caller have no IR home: dropped.
  return call
}

/** `arguments` is JSON text; a few clients send the object itself. */
function argumentsOf(item: JsonObject, path: string): string {
  return isObject(item.arguments) ? JSON.stringify(item.arguments) : stringAt(item, 'arguments', path)
}

function decodeOutput(item: JsonObject, path: string, type: 'function_call_output' | 'custom_tool_call_output'): ToolResultPart {
  const result: ToolResultPart = {
    type: 'tool_result',
    toolCallId: stringAt(item, 'call_id', path),
    content: decodeToolOutput(item.output, pathOf(path, 'output')),
  }
  if (type === 'custom_tool_call_output') result.kind = 'custom'
  // `status` (the Agents SDK sends one) and the item id have no IR home: dropped. Responses has no error flag.
  return result
}

/**
 * A reasoning item → thinking with its provenance (SPEC §7.2). Its `encrypted_content` is an OpenAI
 * token (origin 'responses', kept with the item id it belongs to) or a marker llmux wrote for reasoning
 * of another origin, read back to exactly what it was: an Anthropic signature, or redacted thinking.
 */
function decodeReasoning(item: JsonObject, path: string): ThinkingPart | RedactedThinkingPart {
  const summary = textsOf(item.summary, 'summary_text', pathOf(path, 'summary'))
  const full = textsOf(item.content, 'reasoning_text', pathOf(path, 'content'))
  const part: ThinkingPart = { type: 'thinking', text: full || summary }
  if (full === '') part.isSummary = true
  const itemId = optionalString(item, 'id', path)
  const encrypted = optionalString(item, 'encrypted_content', path)
  if (encrypted === undefined || encrypted === '') {
    // No token: the item could only be resolved by OpenAI's store. Its origin is still known.
    part.provenance = itemId === undefined ? { origin: 'responses' } : { origin: 'responses', itemId }
    return part
  }
  const provenance = provenanceOf(encrypted, 'responses')
  if (provenance.origin === 'anthropic-redacted') return { type: 'redacted_thinking', data: provenance.token ?? '' }
  if (provenance.origin === 'responses' && itemId !== undefined) provenance.itemId = itemId
  part.provenance = provenance
  return part
}

/** The texts of the parts of one type, joined by blank lines ('' when there are none). */
function textsOf(value: unknown, type: string, path: string): string {
  if (value === undefined || value === null) return ''
  return arrayAt(value, path)
    .flatMap((raw, i) => {
      const part = objectAt(raw, pathOf(path, i))
      return part.type === type ? [stringAt(part, 'text', pathOf(path, i))] : []
    })
    .join('\n\n')
}

/**
 * A compaction item llmux sealed opens into a user message holding its summary. One sealed by OpenAI
 * can be read only by OpenAI, and a Responses backend gets this request passed through, untouched:
 * here it has no reader, so it is dropped.
 */
function decodeCompaction(item: JsonObject, path: string, input: DecodedInput): void {
  const summary = openCompaction(stringAt(item, 'encrypted_content', path))
  if (summary !== undefined) input.messages.push({ role: 'user', content: [{ type: 'text', text: `${COMPACTION_HEADING}\n${summary}` }] })
}

function pushAssistant(messages: Message[], ...parts: ContentPart[]): void {
  if (parts.length === 0) return
  const last = messages.at(-1)
  if (last?.role === 'assistant') last.content.push(...parts)
  else messages.push({ role: 'assistant', content: parts })
}

function pushToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages.at(-1)
  const isToolTurn = last?.role === 'user' && last.content.length > 0 && last.content.every((part) => part.type === 'tool_result')
  if (isToolTurn) last.content.push(result)
  else messages.push({ role: 'user', content: [result] })
}

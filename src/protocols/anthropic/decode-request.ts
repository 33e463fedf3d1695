// Anthropic Messages request body → ChatRequest. Unknown fields are never rejected.
// Fields with no IR home, each ignored for translation (an Anthropic backend gets them by passthrough):
// - cache_control (top level and on blocks and tools): prompt caching is Anthropic's own.
// - context_management: server-side context editing, no other provider has it.
// - service_tier, speed, inference_geo, container, mcp_servers, diagnostics: Anthropic account features.
import type { ChatRequest, Message, Role, TextPart } from '../../ir/index.ts'
import { decodeContent } from './decode-content.ts'
import { decodeOutputConfig, decodeThinking, decodeToolChoice, decodeTools } from './decode-options.ts'
import {
  type JsonObject,
  arrayAt,
  invalid,
  objectAt,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalStrings,
  pathOf,
  stringAt,
} from '../read-json.ts'

export function decodeRequest(body: unknown): ChatRequest {
  const root = objectAt(body, '')
  const request: ChatRequest = {
    model: stringAt(root, 'model', ''),
    system: decodeSystem(root.system),
    messages: decodeMessages(root.messages),
    isStreaming: optionalBoolean(root, 'stream', '') ?? false,
  }
  setDefined(request, 'maxTokens', optionalNumber(root, 'max_tokens', ''))
  setDefined(request, 'temperature', optionalNumber(root, 'temperature', ''))
  setDefined(request, 'topP', optionalNumber(root, 'top_p', ''))
  setDefined(request, 'topK', optionalNumber(root, 'top_k', ''))
  setDefined(request, 'stopSequences', optionalStrings(root, 'stop_sequences', ''))
  setDefined(request, 'tools', decodeTools(root.tools))
  setDefined(request, 'thinking', decodeThinking(root.thinking))
  setDefined(request, 'user', decodeUser(root))
  decodeToolChoice(root.tool_choice, request)
  decodeOutputConfig(root, request)
  return request
}

/** Assigns only known values, so an absent field stays absent (not a key holding undefined). */
function setDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value
}

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }]
  return arrayAt(value, 'system').map((item, i) => {
    const path = pathOf('system', i)
    const block = objectAt(item, path)
    if (block.type !== 'text') invalid(pathOf(path, 'type'), '"text"', block.type)
    return { type: 'text', text: stringAt(block, 'text', path) }
  })
}

const roles: readonly Role[] = ['user', 'assistant', 'system']

function decodeMessages(value: unknown): Message[] {
  if (!Array.isArray(value)) return invalid('messages', 'an array of messages', value)
  return value.map((item, i) => {
    const path = pathOf('messages', i)
    const message = objectAt(item, path)
    const role = roles.find((r) => r === message.role)
    if (role === undefined) return invalid(pathOf(path, 'role'), '"user", "assistant" or "system"', message.role)
    // Claude Code sends {"role":"system"} turns mid-conversation: they stay system turns in the IR.
    return { role, content: decodeContent(message.content, pathOf(path, 'content')) }
  })
}

function decodeUser(root: JsonObject): string | undefined {
  const metadata = optionalObject(root, 'metadata', '')
  return metadata === undefined ? undefined : optionalString(metadata, 'user_id', 'metadata')
}

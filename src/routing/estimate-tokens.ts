import type { ChatRequest, ContentPart, Message, ToolDefinition } from '../ir/index.ts'

/**
 * Rough input-token estimate, cheap enough for every request (SPEC §5) and for count_tokens answers.
 *
 * Rule: text is counted at 4 characters per token (what OpenAI and Anthropic quote for English
 * prose); JSON (tool arguments and schemas) is denser in tokens, so 3 characters per token. Each message
 * adds 4 tokens of framing and each tool 8. An image costs a fixed 1,600 tokens, about what Anthropic
 * charges for a ~1.15-megapixel image: the real figure depends on pixel size, which base64 length does
 * not tell, so image data is never read or measured.
 */
export const TOKENS_PER_IMAGE = 1600
const CHARS_PER_TEXT_TOKEN = 4
const CHARS_PER_JSON_TOKEN = 3
const TOKENS_PER_MESSAGE = 4
const TOKENS_PER_TOOL = 8

interface Tally {
  textChars: number
  jsonChars: number
  images: number
  extraTokens: number
}

export function estimateTokens(request: ChatRequest): number {
  const tally: Tally = { textChars: 0, jsonChars: 0, images: 0, extraTokens: 0 }
  for (const part of request.system) tally.textChars += part.text.length
  for (const message of request.messages) addMessage(tally, message)
  for (const tool of request.tools ?? []) addTool(tally, tool)
  const tokens =
    Math.ceil(tally.textChars / CHARS_PER_TEXT_TOKEN) +
    Math.ceil(tally.jsonChars / CHARS_PER_JSON_TOKEN) +
    tally.images * TOKENS_PER_IMAGE +
    tally.extraTokens
  return Math.max(1, tokens)
}

function addMessage(tally: Tally, message: Message): void {
  tally.extraTokens += TOKENS_PER_MESSAGE
  for (const part of message.content) addPart(tally, part)
}

function addPart(tally: Tally, part: ContentPart): void {
  switch (part.type) {
    case 'text':
      tally.textChars += part.text.length
      return
    case 'image':
      tally.images += 1
      return
    case 'tool_call':
      tally.textChars += part.name.length + part.id.length
      tally.jsonChars += part.arguments.length
      return
    case 'tool_result':
      tally.textChars += part.toolCallId.length
      for (const inner of part.content) addPart(tally, inner)
      return
    case 'thinking':
      tally.textChars += part.text.length
      return
    case 'redacted_thinking':
      // Opaque encrypted reasoning: its length is the only measure there is.
      tally.textChars += part.data.length
      return
  }
}

function addTool(tally: Tally, tool: ToolDefinition): void {
  tally.extraTokens += TOKENS_PER_TOOL
  tally.textChars += tool.name.length + (tool.description?.length ?? 0)
  tally.jsonChars += tool.kind === 'function' ? jsonLength(tool.inputSchema) : jsonLength(tool.format ?? {})
}

/**
 * About the length JSON.stringify would give (escapes aside), without building the string: Claude Code
 * sends a dozen schemas on every request, and the profile showed serialising them on the hot path.
 */
function jsonLength(value: unknown): number {
  if (typeof value === 'string') return value.length + 2
  if (typeof value === 'number') return value < 10 && value >= 0 ? 1 : String(value).length
  if (typeof value === 'boolean') return value ? 4 : 5
  if (value === null || typeof value !== 'object') return 4
  let length = 2
  if (Array.isArray(value)) {
    for (const item of value) length += jsonLength(item) + 1
    return length
  }
  for (const key in value) length += key.length + 4 + jsonLength((value as Record<string, unknown>)[key])
  return length
}

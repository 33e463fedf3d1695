// IR content parts → Anthropic blocks, shared by requests and responses.
import { flatToolCall } from '../../ir/flat-tools.ts'
import type { ImagePart, TextPart, ToolCallPart, ToolResultPart } from '../../ir/index.ts'
import { sanitizeToolId } from './ids.ts'
import type {
  AnthropicImageBlock,
  AnthropicImageSource,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './wire.ts'

export const textBlock = (text: string): AnthropicTextBlock => ({ type: 'text', text })

const dataUrl = /^data:([^;,]+);base64,(.*)$/s

export function imageBlock(part: ImagePart): AnthropicImageBlock {
  const { source } = part
  if (source.kind === 'base64') return { type: 'image', source: { type: 'base64', media_type: source.mediaType, data: source.data } }
  // Anthropic's url source fetches http(s) only: a data: URL (how OpenAI clients inline images) is sent
  // as the base64 source it really is.
  const match = dataUrl.exec(source.url)
  const wire: AnthropicImageSource = match
    ? { type: 'base64', media_type: match[1], data: match[2] }
    : { type: 'url', url: source.url }
  return { type: 'image', source: wire }
}

/** Anthropic requires `input` to be an object; arguments are JSON text written by a model. */
export function toolInputOf(argumentsText: string): Record<string, unknown> {
  if (argumentsText.trim() === '') return {}
  try {
    const input: unknown = JSON.parse(argumentsText)
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>
  } catch {
    // fall through
  }
  // Not a JSON object (a model's malformed call): the client could not have run it either, and an
  // empty input keeps the conversation acceptable to Anthropic.
  return {}
}

/** `isRequest`: ids are sanitized for an Anthropic backend; a client gets the upstream's ids as they are. */
export function toolUseBlock(part: ToolCallPart, isRequest: boolean): AnthropicToolUseBlock {
  const id = isRequest ? sanitizeToolId(part.id) : part.id
  // A custom or namespaced call (from a Responses client) travels as the function it was offered as.
  const flat = flatToolCall(part)
  return { type: 'tool_use', id, name: flat.name, input: toolInputOf(flat.arguments) }
}

export function toolResultBlock(part: ToolResultPart): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: sanitizeToolId(part.toolCallId) }
  const content = part.content.flatMap(resultItem)
  if (content.length > 0) block.content = content
  if (part.isError === true) block.is_error = true
  return block
}

function resultItem(part: TextPart | ImagePart): (AnthropicTextBlock | AnthropicImageBlock)[] {
  if (part.type === 'image') return [imageBlock(part)]
  // Anthropic rejects empty text blocks.
  return part.text === '' ? [] : [textBlock(part.text)]
}

import { flatToolCall } from '../../ir/flat-tools.ts'
import { withoutBillingBlock } from '../../ir/billing-block.ts'
import type { ContentPart, ImageSource, TextPart, ToolResultPart } from '../../ir/content.ts'
import type { ChatRequest } from '../../ir/request.ts'
import type { OpenAIContentPart, OpenAIMessage, OpenAIToolCall } from './wire.ts'

/** IR system prompt and turns → `messages`. */
export function encodeMessages(request: ChatRequest): OpenAIMessage[] {
  const messages: OpenAIMessage[] = []
  // Claude Code's billing block would defeat this backend's prefix cache (SPEC §8): left out.
  const system = withoutBillingBlock(request.system)
  if (system.length > 0) messages.push({ role: 'system', content: joinText(system) })
  for (const message of request.messages) {
    if (message.role === 'system') messages.push({ role: 'system', content: joinText(message.content) })
    else if (message.role === 'assistant') messages.push(encodeAssistant(message.content))
    else messages.push(...encodeUserTurn(message.content))
  }
  return messages
}

/** Text parts joined by blank lines; other parts (none expected where this is used) are skipped. */
function joinText(parts: ContentPart[]): string {
  return parts
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('\n\n')
}

export function urlOfImageSource(source: ImageSource): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`
}

function encodeAssistant(parts: ContentPart[]): OpenAIMessage {
  // Thinking and redacted_thinking: most OpenAI-compatible servers ignore or reject reasoning sent back
  // on input turns, and the signature means nothing to them: dropped. Images cannot appear in an
  // assistant message in Chat Completions: dropped.
  const text = joinText(parts)
  const toolCalls: OpenAIToolCall[] = []
  for (const part of parts) {
    if (part.type !== 'tool_call') continue
    // An empty argument string is not JSON; servers that parse arguments reject it.
    // A custom or namespaced call (from a Responses client) travels as the function it was offered as.
    const flat = flatToolCall(part)
    toolCalls.push({ id: part.id, type: 'function', function: { name: flat.name, arguments: flat.arguments || '{}' } })
  }
  if (toolCalls.length === 0) return { role: 'assistant', content: text }
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
}

/**
 * A user turn: its tool results first, one `tool` message each (they must follow the assistant's
 * tool calls directly), then one user message with the rest. Tool messages carry text only on most
 * servers, so images inside a tool result move into that user message behind a line naming the call.
 */
function encodeUserTurn(parts: ContentPart[]): OpenAIMessage[] {
  const messages: OpenAIMessage[] = []
  const toolImages: OpenAIContentPart[] = []
  const content: OpenAIContentPart[] = []
  for (const part of parts) {
    if (part.type === 'tool_result') {
      messages.push(encodeToolResult(part))
      const images = part.content.flatMap((inner) => (inner.type === 'image' ? [encodeImage(inner.source)] : []))
      if (images.length > 0) toolImages.push({ type: 'text', text: `Images returned by tool call ${part.toolCallId}:` }, ...images)
    } else if (part.type === 'text') {
      content.push({ type: 'text', text: part.text })
    } else if (part.type === 'image') {
      content.push(encodeImage(part.source))
    }
    // Tool calls and thinking do not occur in a user turn of either protocol: nothing else to carry.
  }
  const userContent = [...toolImages, ...content]
  if (userContent.length > 0 || messages.length === 0) messages.push({ role: 'user', content: compact(userContent) })
  return messages
}

/**
 * Chat Completions has no error flag on tool messages. An error result is prefixed with "Error: " so the
 * model still learns the call failed (decoding cannot tell such a prefix from the tool's own words).
 */
function encodeToolResult(part: ToolResultPart): OpenAIMessage {
  const text = joinText(part.content)
  const content = part.isError ? (text === '' ? 'Error' : `Error: ${text}`) : text
  return { role: 'tool', tool_call_id: part.toolCallId, content }
}

function encodeImage(source: ImageSource): OpenAIContentPart {
  return { type: 'image_url', image_url: { url: urlOfImageSource(source) } }
}

/** A single text part is sent as a plain string, the form every OpenAI-compatible server accepts. */
function compact(content: OpenAIContentPart[]): string | OpenAIContentPart[] {
  if (content.length === 0) return ''
  const first = content[0]
  return content.length === 1 && first.type === 'text' ? first.text : content
}

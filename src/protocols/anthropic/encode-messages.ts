// The IR conversation → Anthropic `system` and `messages`.
import type { ChatRequest, ContentPart, Message } from '../../ir/index.ts'
import { imageBlock, textBlock, toolResultBlock, toolUseBlock } from './encode-content.ts'
import type { AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock } from './wire.ts'

export function encodeMessages(request: ChatRequest): { system: AnthropicTextBlock[]; messages: AnthropicMessage[] } {
  const system = request.system.filter((part) => part.text !== '').map((part) => textBlock(part.text))
  const messages: AnthropicMessage[] = []
  for (const message of request.messages) {
    // System turns before the first user or assistant turn are the system prompt in all but name.
    if (message.role === 'system' && messages.length === 0) {
      system.push(...textsOf(message).map(textBlock))
      continue
    }
    const turn = encodeTurn(message)
    // Anthropic rejects a turn with no content (e.g. one that held only foreign thinking).
    if (turn.content.length === 0) continue
    const last = messages.at(-1)
    // Anthropic requires user and assistant turns to alternate: neighbours with one role are merged.
    if (last?.role === turn.role) last.content.push(...turn.content)
    else messages.push(turn)
  }
  for (const message of messages) if (message.role === 'user') message.content = toolResultsFirst(message.content)
  return { system, messages }
}

/**
 * A later system turn becomes user-turn text at the same place, wrapped in <system> tags. Why not
 * {"role":"system"} in `messages`: only the newest Messages API accepts it, and older versions and
 * Anthropic-compatible backends reject it. Why not the top-level `system`: that would move the
 * instruction to before the turns it followed, and the tags still tell the model it is not the user talking.
 */
function encodeTurn(message: Message): AnthropicMessage {
  if (message.role === 'system') {
    const text = textsOf(message).join('\n')
    return { role: 'user', content: text === '' ? [] : [textBlock(`<system>\n${text}\n</system>`)] }
  }
  return { role: message.role, content: message.content.flatMap(encodePart) }
}

const textsOf = (message: Message): string[] =>
  message.content.flatMap((part) => (part.type === 'text' && part.text !== '' ? [part.text] : []))

function encodePart(part: ContentPart): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      // Anthropic rejects empty text blocks.
      return part.text === '' ? [] : [textBlock(part.text)]
    case 'image':
      return [imageBlock(part)]
    case 'tool_call':
      return [toolUseBlock(part, true)]
    case 'tool_result':
      return [toolResultBlock(part)]
    case 'thinking':
      // Anthropic verifies signatures: a block without one, or with another origin's, would be
      // rejected (SPEC §7.1), so it is removed.
      if (part.provenance?.origin !== 'anthropic' || part.provenance.token === undefined) return []
      return [{ type: 'thinking', thinking: part.text, signature: part.provenance.token }]
    case 'redacted_thinking':
      return [{ type: 'redacted_thinking', data: part.data }]
  }
}

/** In a user turn answering tool calls, Anthropic wants the tool_result blocks before anything else. */
function toolResultsFirst(content: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results = content.filter((block) => block.type === 'tool_result')
  if (results.length === 0) return content
  return [...results, ...content.filter((block) => block.type !== 'tool_result')]
}

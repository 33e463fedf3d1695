// Non-streamed Messages response ↔ ChatResponse.
import { GatewayError } from '../../errors.ts'
import type { ChatResponse, ContentPart } from '../../ir/index.ts'
import { opaqueOf } from '../../ir/signature.ts'
import { decodeContent } from './decode-content.ts'
import { textBlock, toolUseBlock } from './encode-content.ts'
import { messageIdOf } from './ids.ts'
import { asBadGateway, isObject, objectAt, optionalString, stringAt } from '../read-json.ts'
import { decodeStopReason, encodeStopReason } from './stop-reason.ts'
import { decodeUsage, encodeUsage } from './usage.ts'
import type { AnthropicContentBlock } from './wire.ts'

export function decodeResponse(body: unknown): ChatResponse {
  try {
    return decodeMessage(body)
  } catch (error) {
    throw asBadGateway(error)
  }
}

function decodeMessage(body: unknown): ChatResponse {
  const message = objectAt(body, '')
  if (message.type === 'error') {
    const detail = isObject(message.error) ? message.error.message : undefined
    throw new GatewayError('bad_gateway', `upstream answered with an error body: ${String(detail ?? 'no message')}`)
  }
  const response: ChatResponse = {
    id: stringAt(message, 'id', ''),
    // Anthropic-compatible servers sometimes leave out the model: not worth failing an answer for.
    model: optionalString(message, 'model', '') ?? '',
    // Images and tool results cannot be in an answer; the decoder's drops cover server tool blocks.
    content: decodeContent(message.content, 'content').filter(isAnswerPart),
    stopReason: decodeStopReason(message.stop_reason),
    usage: decodeUsage(message.usage) ?? {},
  }
  const stopSequence = optionalString(message, 'stop_sequence', '')
  if (stopSequence !== undefined) response.stopSequence = stopSequence
  // container, stop_details, diagnostics: Anthropic-only details with no IR home.
  return response
}

const isAnswerPart = (part: ContentPart): boolean =>
  part.type === 'text' || part.type === 'tool_call' || part.type === 'thinking' || part.type === 'redacted_thinking'

export function encodeResponse(response: ChatResponse): Record<string, unknown> {
  return {
    id: messageIdOf(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: response.content.flatMap(encodeAnswerPart),
    stop_reason: encodeStopReason(response.stopReason),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeUsage(response.usage),
  }
}

function encodeAnswerPart(part: ContentPart): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      return part.text === '' ? [] : [textBlock(part.text)]
    case 'tool_call':
      return [toolUseBlock(part, false)]
    case 'thinking':
      // Reasoning of another origin carries a marker naming it; a part with no provenance still needs
      // the required field, so it is marked as of unknown origin, never given a fake signature.
      return [{ type: 'thinking', thinking: part.text, signature: opaqueOf(part.provenance ?? { origin: 'unknown' }, 'anthropic') }]
    case 'redacted_thinking':
      return [{ type: 'redacted_thinking', data: part.data }]
    default:
      // Images and tool results are never part of an answer.
      return []
  }
}

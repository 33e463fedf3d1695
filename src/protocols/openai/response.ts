import { GatewayError } from '../../errors.ts'
import type { ContentPart, TextPart, ToolCallPart } from '../../ir/content.ts'
import type { ChatResponse } from '../../ir/response.ts'
import { decodeErrorObject } from './error.ts'
import { isObject, stringOrUndefined, type JsonObject } from './narrow.ts'
import { decodeFinishReason, encodeStopReason } from './stop-reason.ts'
import { decodeUsage, encodeUsage } from './usage.ts'
import type { OpenAIChatResponse, OpenAIResponseMessage, OpenAIToolCall } from './wire.ts'

function badGateway(message: string): GatewayError {
  return new GatewayError('bad_gateway', `upstream chat.completion: ${message}`)
}

/** A chat.completion body from an upstream → ChatResponse. Only choices[0] is read (llmux never asks for n > 1). */
export function decodeResponse(body: unknown): ChatResponse {
  if (!isObject(body)) throw badGateway('expected a JSON object')
  // Some servers answer 200 with an error body.
  if (isObject(body.error)) {
    const { kind, message } = decodeErrorObject(body.error)
    throw new GatewayError(kind, message)
  }
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined
  if (!isObject(choice)) throw badGateway('no choices')
  const message: JsonObject = isObject(choice.message) ? choice.message : {}
  const content: ContentPart[] = []
  // Reasoning has no signature of its own: the marker names its origin (SPEC §7.1), never a fake one.
  const reasoning = stringOrUndefined(message.reasoning_content) ?? stringOrUndefined(message.reasoning)
  if (reasoning) content.push({ type: 'thinking', text: reasoning, provenance: { origin: 'openai' } })
  content.push(...textOfContent(message.content))
  const refusal = stringOrUndefined(message.refusal)
  if (refusal) content.push({ type: 'text', text: refusal })
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.flatMap(decodeToolCall) : []
  content.push(...toolCalls)
  // annotations (URL citations), audio, logprobs and the legacy function_call have no IR home: dropped.
  return {
    id: stringOrUndefined(body.id),
    model: stringOrUndefined(body.model),
    content,
    stopReason: refusal ? 'refusal' : decodeFinishReason(choice.finish_reason, toolCalls.length > 0),
    usage: decodeUsage(body.usage),
  }
}

/** `content` is a string, except on a few servers (Mistral) that answer with an array of parts. */
function textOfContent(value: unknown): TextPart[] {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }]
  if (!Array.isArray(value)) return []
  return value.flatMap((part): TextPart[] =>
    isObject(part) && part.type === 'text' && typeof part.text === 'string' && part.text !== '' ? [{ type: 'text', text: part.text }] : [],
  )
}

function decodeToolCall(raw: unknown, index: number): ToolCallPart[] {
  if (!isObject(raw) || !isObject(raw.function)) return []
  const name = stringOrUndefined(raw.function.name)
  if (name === undefined) return []
  const args = raw.function.arguments
  return [{
    type: 'tool_call',
    // Some local servers leave the id out; the IR needs one to pair the result with the call.
    id: stringOrUndefined(raw.id) || `call_${index}`,
    name,
    arguments: isObject(args) ? JSON.stringify(args) : (stringOrUndefined(args) ?? ''),
  }]
}

/**
 * ChatResponse → chat.completion body. `createdS` (Unix seconds) is a parameter so this stays pure.
 * Thinking goes out as `reasoning_content` (SDKs ignore it, reasoning-aware clients show it);
 * signatures and redacted_thinking mean nothing to an OpenAI client: dropped. So is stopSequence.
 */
export function encodeResponse(response: ChatResponse, createdS: number): OpenAIChatResponse {
  const text = response.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n')
  const reasoning = response.content.flatMap((part) => (part.type === 'thinking' ? [part.text] : [])).join('\n\n')
  const toolCalls: OpenAIToolCall[] = response.content.flatMap((part) =>
    part.type === 'tool_call'
      ? [{ id: part.id, type: 'function' as const, function: { name: part.name, arguments: part.arguments || '{}' } }]
      : [],
  )
  const message: OpenAIResponseMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, refusal: null }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  if (reasoning !== '') message.reasoning_content = reasoning
  return {
    id: chatCompletionId(response.id),
    object: 'chat.completion',
    created: createdS,
    model: response.model ?? '',
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeStopReason(response.stopReason) }],
    usage: encodeUsage(response.usage),
  }
}

/** OpenAI ids start with "chatcmpl-"; some clients check. An id from another protocol gets the prefix. */
export function chatCompletionId(id: string | undefined): string {
  if (id === undefined || id === '') return 'chatcmpl-llmux'
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`
}

import { flatToolCall } from '../../ir/flat-tools.ts'
import { GatewayError } from '../../errors.ts'
import type { Message } from '../../ir/index.ts'
import { encodeModelParts } from './model-parts.ts'
import { encodeUserParts } from './user-parts.ts'
import type { GeminiContent, GeminiPart, GeminiRole } from './wire.ts'

/**
 * Google's documented stand-in for a functionCall that carries no thoughtSignature of Gemini's own (calls
 * from another backend's turns, or history that lost it): Gemini 3 answers 400 when the first call of a
 * step has none (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs). It claims no reasoning;
 * it only tells the validator that there is nothing to check. Accepted by the Gemini API and Vertex alike.
 */
export const SKIP_SIGNATURE_VALIDATION = 'skip_thought_signature_validator'

/** Gemini's functionResponse names the function; the IR's tool result only has the call id. */
function toolNamesOf(messages: Message[]): (toolCallId: string) => string {
  const names = new Map<string, string>()
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool_call') names.set(part.id, flatToolCall(part).name)
  }
  return (toolCallId) => {
    const name = names.get(toolCallId)
    if (name === undefined) {
      throw new GatewayError('invalid_request', `tool result "${toolCallId}" answers no tool call in the conversation`)
    }
    return name
  }
}

function signFirstFunctionCall(parts: GeminiPart[]): void {
  const call = parts.find((part) => part.functionCall !== undefined)
  if (call !== undefined && call.thoughtSignature === undefined) call.thoughtSignature = SKIP_SIGNATURE_VALIDATION
}

/**
 * IR turns as Gemini contents: assistant → "model", user → "user". A mid-conversation system turn becomes
 * user text where it was said: Gemini has a single systemInstruction up front, and "user" is the only
 * other voice it knows. Turns left without parts are skipped (Gemini rejects them), and neighbouring turns
 * of one role are joined so the roles alternate.
 */
export function encodeContents(messages: Message[]): GeminiContent[] {
  const toolNameOf = toolNamesOf(messages)
  const contents: GeminiContent[] = []
  for (const message of messages) {
    const role: GeminiRole = message.role === 'assistant' ? 'model' : 'user'
    const parts = role === 'model' ? encodeModelParts(message.content) : encodeUserParts(message.content, toolNameOf)
    if (parts.length === 0) continue
    const previous = contents.at(-1)
    if (previous?.role === role) previous.parts.push(...parts)
    else contents.push({ role, parts })
  }
  for (const content of contents) if (content.role === 'model') signFirstFunctionCall(content.parts)
  return contents
}

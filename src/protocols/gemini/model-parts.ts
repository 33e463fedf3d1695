import { GatewayError } from '../../errors.ts'
import { flatToolCall } from '../../ir/flat-tools.ts'
import type { ContentPart, ToolCallPart } from '../../ir/index.ts'
import { encodeImage } from './image.ts'
import { isObject, parseJson } from './narrow.ts'
import { thoughtSignatureOf } from './thought-signature.ts'
import type { GeminiPart } from './wire.ts'

function argumentsOf(call: ToolCallPart, json: string): Record<string, unknown> {
  if (json.trim() === '') return {}
  const args = parseJson(json)
  if (!isObject(args)) throw new GatewayError('invalid_request', `tool call "${call.id}": arguments are not a JSON object`)
  return args
}

function encodeModelPart(part: ContentPart): GeminiPart | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { text: part.text } // Gemini rejects empty text parts
    case 'image':
      return encodeImage(part.source)
    case 'tool_call': {
      // No id: Gemini pairs responses with calls by name and order, and IR ids are mostly llmux's own.
      // A custom or namespaced call (from a Responses client) travels as the function it was offered as.
      const flat = flatToolCall(part)
      return { functionCall: { name: flat.name, args: argumentsOf(part, flat.arguments) } }
    }
    case 'redacted_thinking':
      return undefined // Anthropic's encrypted reasoning: only Anthropic can read it, dropped.
    default:
      return undefined // results are the user's to give; thinking is handled by the caller
  }
}

/**
 * The parts of a model turn. Gemini puts a thoughtSignature on the first part after its thoughts (the
 * first functionCall, or the text) and wants it back on that same part; the decoder keeps it on the
 * thinking part just before, so here it moves onto the next part again. Thought text goes back as a
 * `thought: true` part. Reasoning from other origins (an Anthropic signature, another provider) means
 * nothing to Gemini and its token would fail Gemini's validation: dropped.
 */
export function encodeModelParts(content: ContentPart[]): GeminiPart[] {
  const parts: GeminiPart[] = []
  let pendingSignature: string | undefined
  for (const part of content) {
    if (part.type === 'thinking') {
      const thoughtSignature = thoughtSignatureOf(part.provenance)
      if (thoughtSignature === undefined) continue
      if (part.text !== '') parts.push({ text: part.text, thought: true })
      if (thoughtSignature !== '') pendingSignature = thoughtSignature
      continue
    }
    const encoded = encodeModelPart(part)
    if (encoded === undefined) continue
    if (pendingSignature !== undefined) encoded.thoughtSignature = pendingSignature
    pendingSignature = undefined
    parts.push(encoded)
  }
  // A signature that came last (Gemini's closing empty text part when streaming) goes on the turn's last part.
  const last = parts.at(-1)
  if (pendingSignature !== undefined && last !== undefined && last.thoughtSignature === undefined) {
    last.thoughtSignature = pendingSignature
  }
  return parts
}

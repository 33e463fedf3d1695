import type { ContentPart, ToolResultPart } from '../../ir/index.ts'
import { encodeImage } from './image.ts'
import type { GeminiPart } from './wire.ts'

/**
 * A tool result as a functionResponse. Gemini wants the function's name (it has no call ids), and a JSON
 * object: `output` for the result, `error` for a failure (https://ai.google.dev/api/caching#FunctionResponse).
 * Images in a result follow it as plain parts of the same turn: functionResponse.parts (multimodal
 * function responses) exists only on Gemini 3, plain image parts work on every model.
 */
function encodeToolResult(result: ToolResultPart, name: string): { response: GeminiPart; images: GeminiPart[] } {
  const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n')
  const images = result.content.flatMap((part) => (part.type === 'image' ? [encodeImage(part.source)] : []))
  const response = result.isError === true ? { error: text } : { output: text }
  return { response: { functionResponse: { name, response } }, images }
}

/**
 * The parts of a user turn (or of a mid-conversation system turn, which Gemini can only hear as user text).
 * Function responses come first, together, so they sit right after the model's calls they answer; text
 * and images said beside them follow in their order.
 */
export function encodeUserParts(content: ContentPart[], toolNameOf: (toolCallId: string) => string): GeminiPart[] {
  const responses: GeminiPart[] = []
  const others: GeminiPart[] = []
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text !== '') others.push({ text: part.text }) // Gemini rejects empty text parts
    } else if (part.type === 'image') {
      others.push(encodeImage(part.source))
    } else if (part.type === 'tool_result') {
      const { response, images } = encodeToolResult(part, toolNameOf(part.toolCallId))
      responses.push(response)
      others.push(...images)
    }
    // tool calls and reasoning belong to the model's turns; inside a user turn they mean nothing: dropped.
  }
  return [...responses, ...others]
}

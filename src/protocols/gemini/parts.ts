import type { ContentPart } from '../../ir/index.ts'
import { isObject, stringOrUndefined, type JsonObject } from './narrow.ts'
import { geminiProvenance, thoughtSignatureOf } from './thought-signature.ts'
import { decodeFunctionCall } from './tool-call.ts'

/**
 * A thoughtSignature found on a part that is not a thought (Gemini puts it on the first part after its
 * thoughts: the first functionCall, or text). It is kept on a thinking part just before that part:
 * the unsigned thinking part right there if there is one, else a new empty one. The encoder moves it
 * back onto the part that follows.
 */
function keepSignature(content: ContentPart[], thoughtSignature: string): void {
  const last = content.at(-1)
  if (last?.type === 'thinking' && thoughtSignatureOf(last.provenance) === '') {
    last.provenance = geminiProvenance(thoughtSignature)
  } else {
    content.push({ type: 'thinking', text: '', provenance: geminiProvenance(thoughtSignature) })
  }
}

/**
 * The parts of candidates[0].content as IR content. Thought summaries become thinking parts marked as
 * Gemini's (thought-signature.ts). executableCode, codeExecutionResult and other parts of Google's built-in
 * tools never appear, as llmux enables none: dropped.
 */
export function decodeParts(parts: JsonObject[], responseId: string | undefined): ContentPart[] {
  const content: ContentPart[] = []
  let toolCount = 0
  for (const part of parts) {
    const text = stringOrUndefined(part.text)
    const thoughtSignature = stringOrUndefined(part.thoughtSignature)
    if (part.thought === true) {
      if (text || thoughtSignature !== undefined) {
        content.push({ type: 'thinking', text: text ?? '', provenance: geminiProvenance(thoughtSignature) })
      }
      continue
    }
    if (thoughtSignature !== undefined) keepSignature(content, thoughtSignature)
    if (text !== undefined && text !== '') content.push({ type: 'text', text })
    if (isObject(part.functionCall)) {
      content.push({ type: 'tool_call', ...decodeFunctionCall(part.functionCall, responseId, toolCount) })
      toolCount++
    }
    if (isObject(part.inlineData)) {
      const mediaType = stringOrUndefined(part.inlineData.mimeType) ?? 'application/octet-stream'
      content.push({ type: 'image', source: { kind: 'base64', mediaType, data: stringOrUndefined(part.inlineData.data) ?? '' } })
    }
  }
  return content
}

// Responses message content and tool outputs → IR text and image parts.
import type { ImagePart, ImageSource, TextPart } from '../../ir/content.ts'
import { arrayAt, invalid, objectAt, optionalString, pathOf, stringAt, unsupported } from '../read-json.ts'

/** Message content: a string or an array of parts. An empty string is no part at all. */
export function decodeMessageContent(content: unknown, path: string): (TextPart | ImagePart)[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (content === undefined || content === null) return []
  const parts: (TextPart | ImagePart)[] = []
  arrayAt(content, path).forEach((raw, i) => {
    const part = decodePart(raw, pathOf(path, i))
    if (part !== undefined) parts.push(part)
  })
  return parts
}

/** A `function_call_output` / `custom_tool_call_output` `output`: a string or input_text/input_image parts. */
export function decodeToolOutput(output: unknown, path: string): (TextPart | ImagePart)[] {
  if (typeof output === 'string' || Array.isArray(output)) return decodeMessageContent(output, path)
  return invalid(path, 'a string or an array of content parts', output)
}

function decodePart(raw: unknown, path: string): TextPart | ImagePart | undefined {
  const part = objectAt(raw, path)
  const type = stringAt(part, 'type', path)
  switch (type) {
    case 'input_text':
    case 'output_text': // an assistant's earlier answer, echoed back; its annotations have no IR home
    case 'text':
      return { type: 'text', text: stringAt(part, 'text', path) }
    case 'refusal': // an earlier refusal was said, so it stays as text
      return { type: 'text', text: stringAt(part, 'refusal', path) }
    case 'input_image':
      return decodeImage(part, path)
    default:
      // input_file (documents), input_audio and newer types have no IR home: dropped.
      return undefined
  }
}

/** `image_url` (a data: or http(s) URL); `detail` has no IR home: dropped. */
function decodeImage(part: Record<string, unknown>, path: string): ImagePart {
  const url = optionalString(part, 'image_url', path)
  if (url !== undefined) return { type: 'image', source: imageSourceOfUrl(url) }
  if (part.file_id !== undefined && part.file_id !== null) {
    return unsupported(pathOf(path, 'file_id'), 'llmux cannot resolve OpenAI file ids; send the image inline as image_url (a data: URL) instead')
  }
  return invalid(pathOf(path, 'image_url'), 'a string', part.image_url)
}

/** A `data:<type>;base64,<data>` URL becomes a base64 source; any other URL stays a URL. */
export function imageSourceOfUrl(url: string): ImageSource {
  if (!url.startsWith('data:')) return { kind: 'url', url }
  const comma = url.indexOf(',')
  const meta = comma === -1 ? '' : url.slice(5, comma)
  if (!meta.endsWith(';base64')) return { kind: 'url', url }
  const mediaType = meta.slice(0, meta.indexOf(';')) || 'application/octet-stream'
  return { kind: 'base64', mediaType, data: url.slice(comma + 1) }
}

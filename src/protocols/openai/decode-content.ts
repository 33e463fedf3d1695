import type { ImagePart, ImageSource, TextPart } from '../../ir/content.ts'
import { invalid, isObject, requireObject, requireString } from './narrow.ts'

/** Message content as OpenAI allows it: a string or an array of parts. An empty string is no part at all. */
function contentParts(content: unknown, path: string): unknown[] {
  if (content === undefined || content === null) return []
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (Array.isArray(content)) return content
  throw invalid(path, 'a string or an array of content parts', content)
}

/** User content: text and images. */
export function decodeUserContent(content: unknown, path: string): (TextPart | ImagePart)[] {
  const parts: (TextPart | ImagePart)[] = []
  contentParts(content, path).forEach((raw, i) => {
    const part = decodePart(raw, `${path}[${i}]`)
    if (part !== undefined) parts.push(part)
  })
  return parts
}

/** System, developer, assistant and tool content: only text has a meaning there. */
export function decodeTextContent(content: unknown, path: string): TextPart[] {
  return decodeUserContent(content, path).filter((part): part is TextPart => part.type === 'text')
}

function decodePart(raw: unknown, path: string): TextPart | ImagePart | undefined {
  const part = requireObject(raw, path)
  const type = requireString(part, 'type', path)
  switch (type) {
    case 'text':
      return { type: 'text', text: requireString(part, 'text', path) }
    case 'refusal': // an assistant's earlier refusal, echoed back: it was said, so it stays as text
      return { type: 'text', text: requireString(part, 'refusal', path) }
    case 'image_url':
      return { type: 'image', source: decodeImageUrl(part.image_url, `${path}.image_url`) }
    default:
      // input_audio, file and types newer than this code have no home in the IR: dropped.
      return undefined
  }
}

/** `{url, detail}` (or a bare URL string, which some clients send). `detail` has no IR home: dropped. */
function decodeImageUrl(value: unknown, path: string): ImageSource {
  const url = typeof value === 'string' ? value : isObject(value) ? value.url : undefined
  if (typeof url !== 'string') throw invalid(`${path}.url`, 'a string', url)
  return imageSourceOfUrl(url)
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

import type { ImageSource } from '../../ir/index.ts'
import type { GeminiPart } from './wire.ts'

const MIME_OF_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
}

function mimeTypeOfUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0]
  const dot = path.lastIndexOf('.')
  return dot === -1 ? undefined : MIME_OF_EXTENSION[path.slice(dot + 1).toLowerCase()]
}

/**
 * Base64 images (and data: URLs) travel inline; other URLs as fileData, which Gemini fetches itself
 * (https://ai.google.dev/gemini-api/docs/image-understanding). The mime type of a URL comes from its
 * extension when that tells one; otherwise Gemini works it out.
 */
export function encodeImage(source: ImageSource): GeminiPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } }
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url)
  if (dataUrl) return { inlineData: { mimeType: dataUrl[1], data: dataUrl[2] } }
  const mimeType = mimeTypeOfUrl(source.url)
  return { fileData: mimeType === undefined ? { fileUri: source.url } : { mimeType, fileUri: source.url } }
}

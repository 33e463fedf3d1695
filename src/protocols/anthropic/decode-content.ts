// Anthropic content (a string or an array of blocks) → IR content parts.
import { provenanceOf } from '../../ir/signature.ts'
// cache_control and citations on any block have no IR home: dropped.
import type { ContentPart, ImagePart, TextPart, ToolResultPart } from '../../ir/index.ts'
import {
  type JsonObject,
  arrayAt,
  invalid,
  objectAt,
  optionalString,
  pathOf,
  stringAt,
} from '../read-json.ts'

export function decodeContent(content: unknown, path: string): ContentPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  if (!Array.isArray(content)) return invalid(path, 'a string or an array of content blocks', content)
  const parts: ContentPart[] = []
  content.forEach((block, i) => {
    const part = decodeBlock(block, pathOf(path, i))
    if (part !== undefined) parts.push(part)
  })
  return parts
}

/** One block, or undefined for the block types that have no IR home. */
function decodeBlock(value: unknown, path: string): ContentPart | undefined {
  const block = objectAt(value, path)
  const type = stringAt(block, 'type', path)
  switch (type) {
    case 'text':
      return { type: 'text', text: stringAt(block, 'text', path) }
    case 'image':
      return decodeImage(block, path)
    case 'tool_use':
      return decodeToolUse(block, path)
    case 'tool_result':
      return decodeToolResult(block, path)
    case 'thinking':
      return decodeThinking(block, path)
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: stringAt(block, 'data', path) }
    default:
      // document, search_result, container_upload, server_tool_use and the server tools' *_tool_result
      // blocks (web search, web fetch, code execution, tool search) have no IR home: dropped.
      return undefined
  }
}

function decodeImage(block: JsonObject, path: string): ImagePart | undefined {
  const sourcePath = pathOf(path, 'source')
  const source = objectAt(block.source, sourcePath)
  const kind = stringAt(source, 'type', sourcePath)
  if (kind === 'base64') {
    const mediaType = stringAt(source, 'media_type', sourcePath)
    return { type: 'image', source: { kind: 'base64', mediaType, data: stringAt(source, 'data', sourcePath) } }
  }
  if (kind === 'url') return { type: 'image', source: { kind: 'url', url: stringAt(source, 'url', sourcePath) } }
  // A Files API reference ({"type":"file","file_id":…}) means nothing to another provider: dropped.
  if (kind === 'file') return undefined
  return invalid(pathOf(sourcePath, 'type'), '"base64", "url" or "file"', kind)
}

function decodeToolUse(block: JsonObject, path: string): ContentPart {
  const id = stringAt(block, 'id', path)
  const name = stringAt(block, 'name', path)
  // `caller` (programmatic tool calling) has no IR home: dropped.
  return { type: 'tool_call', id, name, arguments: JSON.stringify(block.input ?? {}) }
}

function decodeToolResult(block: JsonObject, path: string): ToolResultPart {
  const toolCallId = stringAt(block, 'tool_use_id', path)
  const part: ToolResultPart = { type: 'tool_result', toolCallId, content: decodeResultContent(block.content, pathOf(path, 'content')) }
  // is_error: false is the default: only true is carried.
  if (block.is_error === true) part.isError = true
  else if (block.is_error !== undefined && block.is_error !== null && block.is_error !== false) {
    invalid(pathOf(path, 'is_error'), 'true or false', block.is_error)
  }
  return part
}

function decodeResultContent(content: unknown, path: string): (TextPart | ImagePart)[] {
  if (content === undefined || content === null) return []
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  const parts: (TextPart | ImagePart)[] = []
  arrayAt(content, path).forEach((value, i) => {
    const part = decodeBlock(value, pathOf(path, i))
    // search_result, document and tool_reference blocks inside a result have no IR home: dropped.
    if (part?.type === 'text' || part?.type === 'image') parts.push(part)
  })
  return parts
}

function decodeThinking(block: JsonObject, path: string): ContentPart {
  const text = stringAt(block, 'thinking', path)
  const signature = optionalString(block, 'signature', path)
  // An empty signature is no signature: such a block could never be sent back to Anthropic. A marker
  // llmux wrote (reasoning of another origin) is read back into its provenance.
  return signature ? { type: 'thinking', text, provenance: provenanceOf(signature, 'anthropic') } : { type: 'thinking', text }
}

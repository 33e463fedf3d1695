// Responses tools and tool_choice ↔ IR (SPEC §7.2).
import type { CustomTool, FunctionTool, ToolChoice, ToolDefinition } from '../../ir/request.ts'
import { arrayAt, invalid, isObject, objectAt, optionalBoolean, optionalObject, optionalString, pathOf, stringAt } from '../read-json.ts'
import type { ResponsesCustomTool, ResponsesFunctionTool, ResponsesTool, ResponsesToolChoice } from './wire.ts'

/** `tools` (or an `additional_tools` item's `tools`) → IR tools; namespace tools are opened up. */
export function decodeTools(value: unknown, path: string): ToolDefinition[] {
  if (value === undefined || value === null) return []
  return arrayAt(value, path).flatMap((raw, i) => decodeTool(raw, pathOf(path, i)))
}

function decodeTool(raw: unknown, path: string): ToolDefinition[] {
  const tool = objectAt(raw, path)
  const type = stringAt(tool, 'type', path)
  switch (type) {
    case 'function':
      return [decodeFunction(tool, path, undefined)]
    case 'custom':
      return [decodeCustom(tool, path, undefined)]
    case 'namespace':
      return decodeNamespace(tool, path)
    default:
      // Hosted tools (web_search, web_search_preview, file_search, image_generation, code_interpreter,
      // computer_use_preview, mcp, local_shell, shell, apply_patch) run inside OpenAI, and Codex's
      // tool_search is answered by a hosted model step: no other backend can run them, and sending one
      // would have the whole request rejected (SPEC §7.2). Dropped.
      return []
  }
}

function decodeFunction(tool: Record<string, unknown>, path: string, namespace: string | undefined): FunctionTool {
  const definition: FunctionTool = {
    kind: 'function',
    name: stringAt(tool, 'name', path),
    // A function without parameters takes no input; the IR always holds a schema.
    inputSchema: optionalObject(tool, 'parameters', path) ?? { type: 'object', properties: {} },
  }
  const description = optionalString(tool, 'description', path)
  if (description !== undefined) definition.description = description
  const strict = optionalBoolean(tool, 'strict', path)
  if (strict !== undefined) definition.strict = strict
  if (namespace !== undefined) definition.namespace = namespace
  // defer_loading, allowed_callers and output_schema have no IR home: dropped.
  return definition
}

function decodeCustom(tool: Record<string, unknown>, path: string, namespace: string | undefined): CustomTool {
  const definition: CustomTool = { kind: 'custom', name: stringAt(tool, 'name', path) }
  const description = optionalString(tool, 'description', path)
  if (description !== undefined) definition.description = description
  const format = optionalObject(tool, 'format', path)
  if (format !== undefined) definition.format = format
  if (namespace !== undefined) definition.namespace = namespace
  return definition
}

/** A namespace's tools, each carrying its namespace. The namespace's own description has no IR home: dropped. */
function decodeNamespace(tool: Record<string, unknown>, path: string): ToolDefinition[] {
  const namespace = stringAt(tool, 'name', path)
  const toolsPath = pathOf(path, 'tools')
  return arrayAt(tool.tools, toolsPath).flatMap((raw, i): ToolDefinition[] => {
    const innerPath = pathOf(toolsPath, i)
    const inner = objectAt(raw, innerPath)
    const type = stringAt(inner, 'type', innerPath)
    if (type === 'function') return [decodeFunction(inner, innerPath, namespace)]
    if (type === 'custom') return [decodeCustom(inner, innerPath, namespace)]
    return [] // no other kind may sit in a namespace
  })
}

export function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value }
  if (isObject(value) && (value.type === 'function' || value.type === 'custom')) {
    return { type: 'tool', name: stringAt(value, 'name', 'tool_choice') }
  }
  // allowed_tools, mcp and hosted-tool choices have no IR home: the model chooses freely.
  if (isObject(value) && typeof value.type === 'string') return undefined
  return invalid('tool_choice', '"auto", "none", "required" or {"type":"function","name":…}', value)
}

/** IR tools → Responses tools; tools sharing a namespace are grouped back into one namespace tool. */
export function encodeTools(tools: readonly ToolDefinition[]): ResponsesTool[] {
  const encoded: ResponsesTool[] = []
  const namespaces = new Map<string, (ResponsesFunctionTool | ResponsesCustomTool)[]>()
  for (const tool of tools) {
    const wire = encodeTool(tool)
    if (tool.namespace === undefined) {
      encoded.push(wire)
      continue
    }
    let members = namespaces.get(tool.namespace)
    if (members === undefined) {
      members = []
      namespaces.set(tool.namespace, members)
      // The wire requires a description; the client's was not kept (no IR home), so the name stands in.
      encoded.push({ type: 'namespace', name: tool.namespace, description: tool.namespace, tools: members })
    }
    members.push(wire)
  }
  return encoded
}

function encodeTool(tool: ToolDefinition): ResponsesFunctionTool | ResponsesCustomTool {
  const description = tool.description === undefined ? {} : { description: tool.description }
  if (tool.kind === 'custom') return { type: 'custom', name: tool.name, ...description, ...(tool.format !== undefined && { format: tool.format }) }
  // Responses makes function tools strict unless told otherwise, which rejects most schemas written for
  // other protocols: `strict` is always said, false unless the client asked for it.
  return { type: 'function', name: tool.name, ...description, parameters: tool.inputSchema, strict: tool.strict ?? false }
}

export function encodeToolChoice(choice: ToolChoice, tools: readonly ToolDefinition[]): ResponsesToolChoice {
  if (choice.type !== 'tool') return choice.type
  const tool = tools.find((candidate) => candidate.name === choice.name && candidate.namespace === choice.namespace)
  return { type: tool?.kind === 'custom' ? 'custom' : 'function', name: choice.name }
}

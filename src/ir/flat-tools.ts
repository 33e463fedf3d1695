import type { ToolCallPart } from './content.ts'
import type { FunctionTool, ToolChoice, ToolDefinition } from './request.ts'

/**
 * Backends without custom (freeform) or namespace tools see every tool as a plain function (SPEC §7.2):
 * a custom tool becomes a function with one string parameter `input`, a namespaced tool gets its
 * namespace in its name. The answer's calls are mapped back with `restoreToolCall` over the same tools.
 */
const CUSTOM_SCHEMA_NOTE = 'The raw input for this tool, exactly as its format asks (not JSON).'

export const flatNameOf = (name: string, namespace: string | undefined): string =>
  namespace === undefined ? name : namespace.endsWith('_') ? `${namespace}${name}` : `${namespace}__${name}`

export function flatTools(tools: readonly ToolDefinition[]): FunctionTool[] {
  return tools.map((tool): FunctionTool => {
    const name = flatNameOf(tool.name, tool.namespace)
    if (tool.kind === 'function') return tool.namespace === undefined ? tool : { ...tool, name, namespace: undefined }
    const grammar = typeof tool.format?.definition === 'string' ? `\n\nThe input follows this ${String(tool.format.syntax ?? '')} grammar:\n${tool.format.definition}` : ''
    const flat: FunctionTool = {
      kind: 'function',
      name,
      inputSchema: { type: 'object', properties: { input: { type: 'string', description: CUSTOM_SCHEMA_NOTE } }, required: ['input'], additionalProperties: false },
    }
    const description = `${tool.description ?? ''}${grammar}`
    if (description !== '') flat.description = description
    return flat
  })
}

/** A named tool choice as the flattened tools call it. */
export const flatToolChoice = (choice: ToolChoice): ToolChoice =>
  choice.type === 'tool' && choice.namespace !== undefined ? { type: 'tool', name: flatNameOf(choice.name, choice.namespace) } : choice

/** The function name and JSON arguments a flattened backend knows a call by. */
export function flatToolCall(call: ToolCallPart): { name: string; arguments: string } {
  const name = flatNameOf(call.name, call.namespace)
  return { name, arguments: call.kind === 'custom' ? JSON.stringify({ input: call.arguments }) : call.arguments }
}

/** Which tool a flattened name stands for, built once per request. */
export type ToolLookup = Map<string, ToolDefinition>

export function toolLookupOf(tools: readonly ToolDefinition[] | undefined): ToolLookup {
  return new Map((tools ?? []).map((tool) => [flatNameOf(tool.name, tool.namespace), tool]))
}

/** A call from a flattened backend, back in the client's terms: namespace split off, custom input unwrapped. */
export function restoreToolCall(call: ToolCallPart, lookup: ToolLookup): ToolCallPart {
  const tool = lookup.get(call.name)
  if (tool === undefined || (tool.kind === 'function' && tool.namespace === undefined)) return call
  const restored: ToolCallPart = { ...call, name: tool.name }
  if (tool.namespace !== undefined) restored.namespace = tool.namespace
  if (tool.kind === 'custom') {
    restored.kind = 'custom'
    restored.arguments = customInputOf(call.arguments)
  }
  return restored
}

/** The raw text inside `{"input": …}`; a model that wrote something else has its text passed on as it is. */
export function customInputOf(json: string): string {
  try {
    const parsed: unknown = JSON.parse(json)
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string') return (parsed as { input: string }).input
  } catch {
    // Not JSON: the model wrote the raw input itself.
  }
  return json
}

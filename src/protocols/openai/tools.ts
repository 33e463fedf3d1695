import { flatToolChoice, flatTools } from '../../ir/flat-tools.ts'
import type { ToolChoice, ToolDefinition } from '../../ir/request.ts'
import { invalid, isObject, optionalString, requireArray, requireObject, requireString } from './narrow.ts'
import type { OpenAITool, OpenAIToolChoice } from './wire.ts'

export function decodeTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined
  const tools: ToolDefinition[] = []
  requireArray(value, 'tools').forEach((raw, i) => {
    const path = `tools[${i}]`
    const tool = requireObject(raw, path)
    // Custom (free-text grammar) tools have no counterpart in other protocols: dropped.
    if (tool.type !== 'function') return
    const fn = requireObject(tool.function, `${path}.function`)
    const parameters = fn.parameters
    if (parameters !== undefined && !isObject(parameters)) throw invalid(`${path}.function.parameters`, 'a JSON Schema object', parameters)
    const definition: ToolDefinition = {
      kind: 'function',
      name: requireString(fn, 'name', `${path}.function`),
      // OpenAI allows omitting parameters for a tool without input; the IR always holds a schema.
      inputSchema: parameters ?? { type: 'object', properties: {} },
    }
    const description = optionalString(fn, 'description', `${path}.function`)
    if (description !== undefined) definition.description = description
    // `strict` (structured-output tool arguments) has no counterpart elsewhere: dropped.
    tools.push(definition)
  })
  return tools
}

export function decodeToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value }
  if (isObject(value) && value.type === 'function') {
    const fn = requireObject(value.function, 'tool_choice.function')
    return { type: 'tool', name: requireString(fn, 'name', 'tool_choice.function') }
  }
  // allowed_tools and custom choices have no IR home: the model chooses freely.
  if (isObject(value) && typeof value.type === 'string') return undefined
  throw invalid('tool_choice', '"auto", "none", "required" or {"type":"function","function":{"name":…}}', value)
}

/** Custom and namespaced tools (Responses clients) travel as plain functions (SPEC §7.2). */
export function encodeTools(tools: ToolDefinition[]): OpenAITool[] {
  return flatTools(tools).map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.inputSchema,
    },
  }))
}

export function encodeToolChoice(choice: ToolChoice): OpenAIToolChoice {
  const flat = flatToolChoice(choice)
  return flat.type === 'tool' ? { type: 'function', function: { name: flat.name } } : flat.type
}

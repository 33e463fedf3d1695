// Request options beside the conversation: tools, tool_choice, thinking, output_config.
import type { ChatRequest, ResponseFormat, ThinkingRequest, ToolDefinition } from '../../ir/index.ts'
import {
  type JsonObject,
  arrayAt,
  invalid,
  isObject,
  objectAt,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  pathOf,
  stringAt,
} from '../read-json.ts'

export function decodeTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined
  const tools: ToolDefinition[] = []
  arrayAt(value, 'tools').forEach((item, i) => {
    const path = pathOf('tools', i)
    const tool = objectAt(item, path)
    // Server tools (web_search_*, code_execution_*, bash_*, text_editor_*, …) run inside Anthropic: no
    // other backend can run them, so they are dropped. Only client tools (no type, or "custom") travel.
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') return
    const definition: ToolDefinition = {
      kind: 'function',
      name: stringAt(tool, 'name', path),
      inputSchema: objectAt(tool.input_schema, pathOf(path, 'input_schema')),
    }
    const description = optionalString(tool, 'description', path)
    if (description !== undefined) definition.description = description
    // defer_loading, strict, input_examples, eager_input_streaming, allowed_callers: Anthropic tool
    // features with no IR home, dropped.
    tools.push(definition)
  })
  return tools
}

export function decodeToolChoice(value: unknown, request: ChatRequest): void {
  if (value === undefined || value === null) return
  const choice = objectAt(value, 'tool_choice')
  const type = stringAt(choice, 'type', 'tool_choice')
  if (type === 'auto') request.toolChoice = { type: 'auto' }
  else if (type === 'any') request.toolChoice = { type: 'required' }
  else if (type === 'none') request.toolChoice = { type: 'none' }
  else if (type === 'tool') request.toolChoice = { type: 'tool', name: stringAt(choice, 'name', 'tool_choice') }
  else invalid('tool_choice.type', '"auto", "any", "tool" or "none"', type)
  if (optionalBoolean(choice, 'disable_parallel_tool_use', 'tool_choice') === true) request.parallelToolCalls = false
}

export function decodeThinking(value: unknown): ThinkingRequest | undefined {
  if (value === undefined || value === null) return undefined
  const thinking = objectAt(value, 'thinking')
  const type = stringAt(thinking, 'type', 'thinking')
  // `display` (summarized/omitted) only shapes Anthropic's own output: dropped.
  if (type === 'enabled') {
    const budgetTokens = optionalNumber(thinking, 'budget_tokens', 'thinking')
    return budgetTokens === undefined ? { type: 'enabled' } : { type: 'enabled', budgetTokens }
  }
  if (type === 'adaptive' || type === 'disabled') return { type }
  // Newer thinking modes have no IR meaning yet: left out rather than guessed.
  return undefined
}

/** output_config.effort and output_config.format (also the older top-level `output_format`). */
export function decodeOutputConfig(root: JsonObject, request: ChatRequest): void {
  const config = optionalObject(root, 'output_config', '')
  const effort = config === undefined ? undefined : optionalString(config, 'effort', 'output_config')
  if (effort !== undefined) request.reasoningEffort = effort
  const format = config?.format ?? root.output_format
  const path = config?.format !== undefined ? 'output_config.format' : 'output_format'
  const responseFormat = decodeFormat(format, path)
  if (responseFormat !== undefined) request.responseFormat = responseFormat
}

function decodeFormat(value: unknown, path: string): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined
  const format = objectAt(value, path)
  const type = stringAt(format, 'type', path)
  if (type !== 'json_schema') return invalid(pathOf(path, 'type'), '"json_schema"', type)
  const schema = format.schema
  // Anthropic's structured outputs are always strict; OpenAI's only when asked. The name OpenAI requires
  // is given by its encoder.
  return isObject(schema) ? { type: 'json_schema', schema, strict: true } : invalid(pathOf(path, 'schema'), 'an object', schema)
}

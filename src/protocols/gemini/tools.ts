import { flatToolChoice, flatTools } from '../../ir/flat-tools.ts'
import type { ToolChoice, ToolDefinition } from '../../ir/index.ts'
import { encodeParametersSchema } from './schema.ts'
import type { GeminiTool, GeminiToolConfig } from './wire.ts'

/** All client tools become one Gemini tool holding every function declaration. */
export function encodeTools(tools: ToolDefinition[] | undefined): GeminiTool[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined
  // Custom and namespaced tools (Responses clients) travel as plain functions (SPEC §7.2).
  const functionDeclarations = flatTools(tools).map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parametersJsonSchema: encodeParametersSchema(tool.inputSchema),
  }))
  return [{ functionDeclarations }]
}

/**
 * https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes: AUTO, ANY (must call one,
 * optionally from allowedFunctionNames), NONE. A choice without tools has nothing to steer: dropped.
 */
export function encodeToolConfig(choice: ToolChoice | undefined, hasTools: boolean): GeminiToolConfig | undefined {
  if (choice === undefined || !hasTools) return undefined
  const flat = flatToolChoice(choice)
  switch (flat.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } }
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } }
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } }
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [flat.name] } }
  }
}

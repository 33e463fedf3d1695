// ChatRequest → Anthropic Messages request body.
import { flatToolChoice, flatTools } from '../../ir/flat-tools.ts'
import type { ChatRequest, ThinkingRequest, ToolChoice } from '../../ir/index.ts'
import { addCacheBreakpoints } from './cache-breakpoints.ts'
import { textBlock } from './encode-content.ts'
import { encodeMessages } from './encode-messages.ts'
import type { AnthropicTool } from './wire.ts'

/**
 * Anthropic requires max_tokens and OpenAI clients often leave it out. When the request has none, this
 * much is asked for: a common default of OpenAI-compatible servers, enough for a normal answer.
 */
export const DEFAULT_MAX_TOKENS = 4096

/** What a json_object response_format asks of the model, said in words. */
export const JSON_OBJECT_INSTRUCTION =
  'Answer with exactly one valid JSON object and nothing else: no prose before or after it, no Markdown code fences.'

export function encodeRequest(request: ChatRequest, model: string): Record<string, unknown> {
  const { system, messages } = encodeMessages(request)
  // json_object has no Anthropic form (structured outputs need a schema): the intent travels as the last
  // system block instead, or JSON-mode clients (the Vercel AI SDK) get prose and fail to parse it.
  if (request.responseFormat?.type === 'json_object') system.push(textBlock(JSON_OBJECT_INSTRUCTION))
  const body: Record<string, unknown> = { model, max_tokens: maxTokensOf(request) }
  if (system.length > 0) body.system = system
  body.messages = messages
  if (request.isStreaming) body.stream = true
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  if (request.topK !== undefined) body.top_k = request.topK
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences
  let tools: AnthropicTool[] | undefined
  if (request.tools !== undefined && request.tools.length > 0) {
    // Custom and namespaced tools (Responses clients) travel as plain functions (SPEC §7.2).
    tools = flatTools(request.tools).map((tool) =>
      tool.description === undefined
        ? { name: tool.name, input_schema: tool.inputSchema }
        : { name: tool.name, description: tool.description, input_schema: tool.inputSchema },
    )
    body.tools = tools
    // Anthropic rejects tool_choice without tools, so it only travels beside them.
    const choice = encodeToolChoice(request.toolChoice && flatToolChoice(request.toolChoice), request.parallelToolCalls)
    if (choice !== undefined) body.tool_choice = choice
  }
  const thinking = request.thinking ?? thinkingOfEffort(request)
  if (thinking !== undefined) body.thinking = encodeThinking(thinking)
  const outputConfig = encodeOutputConfig(request)
  if (outputConfig !== undefined) body.output_config = outputConfig
  if (request.user !== undefined) body.metadata = { user_id: request.user }
  if (request.cacheBreakpoints === true) addCacheBreakpoints(system, tools, messages)
  // includeUsage: Anthropic streams always carry usage, nothing to ask for. Signatures always come with
  // thinking, so includeReasoningToken asks nothing either. verbosity, promptCacheKey (Anthropic caches by
  // prefix, not by key) and reasoningSummary have no Messages API counterpart: dropped.
  return body
}

function maxTokensOf(request: ChatRequest): number {
  if (request.maxTokens !== undefined) return request.maxTokens
  const budget = request.thinking?.type === 'enabled' ? request.thinking.budgetTokens : undefined
  // budget_tokens must stay below max_tokens: the default is room for the answer on top of the budget.
  return budget === undefined ? DEFAULT_MAX_TOKENS : budget + DEFAULT_MAX_TOKENS
}

function encodeToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined) {
  const isSerial = parallelToolCalls === false
  if (choice === undefined) return isSerial ? { type: 'auto', disable_parallel_tool_use: true } : undefined
  const wire =
    choice.type === 'required' ? { type: 'any' } : choice.type === 'tool' ? { type: 'tool', name: choice.name } : { type: choice.type }
  // tool_choice none forbids tool calls, so whether they may be parallel is moot there.
  return isSerial && choice.type !== 'none' ? { ...wire, disable_parallel_tool_use: true } : wire
}

/**
 * An OpenAI client asking for reasoning_effort wants reasoning back: Claude thinks only when `thinking`
 * is on, so effort alone turns on adaptive thinking (the model sizes it; output_config.effort steers it).
 * Not when the client set sampling: thinking rejects temperature/top_k and top_p below 0.95.
 */
function thinkingOfEffort(request: ChatRequest): ThinkingRequest | undefined {
  if (effortOf(request.reasoningEffort) === undefined) return undefined
  const isSampled = request.temperature !== undefined || request.topK !== undefined || (request.topP !== undefined && request.topP < 0.95)
  return isSampled ? undefined : { type: 'adaptive' }
}

function encodeThinking(thinking: ThinkingRequest): Record<string, unknown> {
  if (thinking.type !== 'enabled') return { type: thinking.type }
  // "enabled" with no budget (e.g. from an OpenAI reasoning_effort) becomes "adaptive": the model sizes
  // its own thinking, which is what was asked; a budget_tokens figure would have to be invented.
  return thinking.budgetTokens === undefined ? { type: 'adaptive' } : { type: 'enabled', budget_tokens: thinking.budgetTokens }
}

function encodeOutputConfig(request: ChatRequest): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {}
  const effort = effortOf(request.reasoningEffort)
  if (effort !== undefined) config.effort = effort
  const format = request.responseFormat
  if (format?.type === 'json_schema') config.format = { type: 'json_schema', schema: format.schema }
  // json_schema name/description/strict: Anthropic's format has only the schema (and is always strict).
  // json_object has no format here: encodeRequest asks for it in the system prompt. text is the default.
  return Object.keys(config).length > 0 ? config : undefined
}

/** OpenAI's lowest efforts have no Anthropic name: "minimal" is its "low", "none" means not set. */
function effortOf(effort: string | undefined): string | undefined {
  if (effort === 'none') return undefined
  return effort === 'minimal' ? 'low' : effort
}

import type { ChatRequest } from '../../ir/request.ts'
import { decodeMessages } from './decode-messages.ts'
import {
  invalid,
  isObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requireObject,
  requireString,
  type JsonObject,
} from './narrow.ts'
import { decodeResponseFormat } from './response-format.ts'
import { decodeToolChoice, decodeTools } from './tools.ts'

/**
 * A Chat Completions request body → ChatRequest. Unknown fields are allowed. Fields with no IR home
 * (n, logprobs, top_logprobs, seed, presence_penalty, frequency_penalty, logit_bias, metadata, store,
 * service_tier, modalities, audio, prediction, verbosity, web_search_options, prompt_cache_*,
 * functions/function_call) are ignored here: they only matter to an OpenAI backend, and same-protocol
 * traffic reaches it untouched without passing through this decoder.
 */
export function decodeRequest(body: unknown): ChatRequest {
  const json = requireObject(body, 'body')
  const { system, messages } = decodeMessages(json.messages)
  const request: ChatRequest = {
    model: requireString(json, 'model', ''),
    system,
    messages,
    isStreaming: optionalBoolean(json, 'stream', '') ?? false,
  }
  // max_completion_tokens replaced max_tokens; either is the same limit. Never invented when absent.
  const maxTokens = optionalNumber(json, 'max_completion_tokens', '') ?? optionalNumber(json, 'max_tokens', '')
  if (maxTokens !== undefined) request.maxTokens = maxTokens
  const temperature = optionalNumber(json, 'temperature', '')
  if (temperature !== undefined) request.temperature = temperature
  const topP = optionalNumber(json, 'top_p', '')
  if (topP !== undefined) request.topP = topP
  const stop = decodeStop(json.stop)
  if (stop !== undefined) request.stopSequences = stop
  const tools = decodeTools(json.tools)
  if (tools !== undefined) request.tools = tools
  const toolChoice = decodeToolChoice(json.tool_choice)
  if (toolChoice !== undefined) request.toolChoice = toolChoice
  const parallelToolCalls = optionalBoolean(json, 'parallel_tool_calls', '')
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls
  decodeReasoning(json, request)
  const responseFormat = decodeResponseFormat(json.response_format)
  if (responseFormat !== undefined) request.responseFormat = responseFormat
  const user = optionalString(json, 'user', '')
  if (user !== undefined) request.user = user
  if (isObject(json.stream_options) && json.stream_options.include_usage === true) request.includeUsage = true
  return request
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value
  throw invalid('stop', 'a string or an array of strings', value)
}

/**
 * `reasoning_effort` (OpenAI) and `reasoning: {effort}` (OpenRouter, the Responses API) → reasoningEffort.
 * OpenRouter's `reasoning.max_tokens` is a thinking budget. Other `reasoning` fields (exclude, summary)
 * have no IR home: dropped.
 */
function decodeReasoning(json: JsonObject, request: ChatRequest): void {
  const reasoning = json.reasoning
  const nested = isObject(reasoning) ? reasoning : {}
  const effort = optionalString(json, 'reasoning_effort', '') ?? optionalString(nested, 'effort', 'reasoning')
  if (effort !== undefined) request.reasoningEffort = effort
  const budgetTokens = optionalNumber(nested, 'max_tokens', 'reasoning')
  if (budgetTokens !== undefined) request.thinking = { type: 'enabled', budgetTokens }
}

// A Responses request body → ChatRequest (https://platform.openai.com/docs/api-reference/responses/create).
import { GatewayError } from '../../errors.ts'
import type { ChatRequest, ResponseFormat } from '../../ir/request.ts'
import { decodeInput } from './decode-input.ts'
import {
  arrayAt,
  invalid,
  isObject,
  objectAt,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  stringAt,
  type JsonObject,
} from '../read-json.ts'
import { decodeToolChoice, decodeTools } from './tools.ts'

/**
 * Unknown fields are allowed. Fields with no IR home, ignored here because they only matter to an OpenAI
 * backend (which gets same-protocol traffic untouched): `store` (llmux keeps nothing either way),
 * `metadata`, `client_metadata`, `service_tier`, `truncation`, `background`, `max_tool_calls`,
 * `top_logprobs`, `prompt`, `prompt_cache_retention`, `stream_options`, `context_management`.
 */
export function decodeRequest(body: unknown): ChatRequest {
  const json = objectAt(body, '')
  rejectStoredState(json)
  const input = decodeInput(json.input ?? invalid('input', 'a string or an array of input items', json.input))
  const instructions = optionalString(json, 'instructions', '')
  const request: ChatRequest = {
    model: stringAt(json, 'model', ''),
    system: [...(instructions ? [{ type: 'text' as const, text: instructions }] : []), ...input.system],
    messages: input.messages,
    isStreaming: optionalBoolean(json, 'stream', '') ?? false,
  }
  // Codex's "compact now": a final compaction_trigger item; the gateway answers with one compaction item.
  if (Array.isArray(json.input) && isObject(json.input.at(-1)) && (json.input.at(-1) as JsonObject).type === 'compaction_trigger') request.isCompaction = true
  const tools = [...decodeTools(json.tools, 'tools'), ...input.tools]
  if (tools.length > 0) request.tools = tools
  const toolChoice = decodeToolChoice(json.tool_choice)
  if (toolChoice !== undefined) request.toolChoice = toolChoice
  const parallelToolCalls = optionalBoolean(json, 'parallel_tool_calls', '')
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls
  // Never invented when absent (SPEC §7).
  const maxTokens = optionalNumber(json, 'max_output_tokens', '')
  if (maxTokens !== undefined) request.maxTokens = maxTokens
  const temperature = optionalNumber(json, 'temperature', '')
  if (temperature !== undefined) request.temperature = temperature
  const topP = optionalNumber(json, 'top_p', '')
  if (topP !== undefined) request.topP = topP
  decodeReasoning(json, request)
  decodeText(json, request)
  const promptCacheKey = optionalString(json, 'prompt_cache_key', '')
  if (promptCacheKey !== undefined) request.promptCacheKey = promptCacheKey
  if (includes(json, 'reasoning.encrypted_content')) request.includeReasoningToken = true
  // safety_identifier replaced user; either names the end user.
  const user = optionalString(json, 'safety_identifier', '') ?? optionalString(json, 'user', '')
  if (user !== undefined) request.user = user
  return request
}

/** llmux keeps no responses or conversations (SPEC §7.2): a client must send the whole history itself. */
function rejectStoredState(json: JsonObject): void {
  for (const field of ['previous_response_id', 'conversation'] as const) {
    if (json[field] === undefined || json[field] === null) continue
    throw new GatewayError(
      'invalid_request',
      `${field}: llmux keeps no stored responses or conversations; send the whole conversation in \`input\` with store: false`,
      { param: field },
    )
  }
}

/** `reasoning.effort` and `.summary`; the deprecated `generate_summary` is the same as `summary`. */
function decodeReasoning(json: JsonObject, request: ChatRequest): void {
  const reasoning = optionalObject(json, 'reasoning', '')
  if (reasoning === undefined) return
  const effort = optionalString(reasoning, 'effort', 'reasoning')
  if (effort !== undefined) request.reasoningEffort = effort
  const summary = optionalString(reasoning, 'summary', 'reasoning') ?? optionalString(reasoning, 'generate_summary', 'reasoning')
  if (summary !== undefined) request.reasoningSummary = summary
}

function decodeText(json: JsonObject, request: ChatRequest): void {
  const text = optionalObject(json, 'text', '')
  if (text === undefined) return
  const verbosity = optionalString(text, 'verbosity', 'text')
  if (verbosity !== undefined) request.verbosity = verbosity
  const format = optionalObject(text, 'format', 'text')
  if (format !== undefined) request.responseFormat = decodeFormat(format)
}

/** `text.format`: the flat Responses form of Chat Completions' response_format. */
function decodeFormat(format: JsonObject): ResponseFormat {
  const path = 'text.format'
  const type = stringAt(format, 'type', path)
  if (type === 'text' || type === 'json_object') return { type }
  if (type !== 'json_schema') return invalid(`${path}.type`, '"text", "json_object" or "json_schema"', type)
  const decoded: ResponseFormat = { type: 'json_schema', schema: optionalObject(format, 'schema', path) ?? {} }
  const name = optionalString(format, 'name', path)
  if (name !== undefined) decoded.name = name
  const strict = optionalBoolean(format, 'strict', path)
  if (strict !== undefined) decoded.strict = strict
  const description = optionalString(format, 'description', path)
  if (description !== undefined) decoded.description = description
  return decoded
}

function includes(json: JsonObject, value: string): boolean {
  if (json.include === undefined || json.include === null) return false
  return arrayAt(json.include, 'include').includes(value)
}

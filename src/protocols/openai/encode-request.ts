import type { ChatRequest, ThinkingRequest } from '../../ir/request.ts'
import { encodeMessages } from './encode-messages.ts'
import { encodeResponseFormat } from './response-format.ts'
import { encodeToolChoice, encodeTools } from './tools.ts'
import type { OpenAIChatRequest } from './wire.ts'

/**
 * ChatRequest → Chat Completions body for an upstream serving `model`.
 * Dropped, with no Chat Completions counterpart: topK; thinking budgets beyond the effort they imply.
 * Dropped because many Chat Completions servers reject fields they do not know: the Responses
 * settings verbosity, promptCacheKey and reasoningSummary (OpenAI's own server has the first two, and
 * a client of its own protocol reaches it untouched); includeReasoningToken (no such token here).
 */
export function encodeRequest(request: ChatRequest, model: string): OpenAIChatRequest {
  const body: OpenAIChatRequest = { model, messages: encodeMessages(request) }
  // Only when the client set it: a limit is never invented or clamped here (SPEC §7).
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  // OpenAI takes at most 4 stop sequences; more are sent as given rather than silently cut.
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop = request.stopSequences
  // OpenAI rejects tool_choice and parallel_tool_calls in a request without tools.
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = encodeTools(request.tools)
    if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice)
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls
  }
  const effort = request.reasoningEffort ?? effortOfThinking(request.thinking)
  if (effort !== undefined) body.reasoning_effort = effort
  if (request.responseFormat !== undefined) body.response_format = encodeResponseFormat(request.responseFormat)
  if (request.user !== undefined) body.user = request.user
  if (request.isStreaming) {
    body.stream = true
    // llmux records usage for every request, so it always asks for the usage chunk.
    body.stream_options = { include_usage: true }
  }
  return body
}

/**
 * Anthropic-style thinking has a token budget; Chat Completions has an effort level. A budget under 4k
 * tokens (Anthropic's minimum is 1,024) reads as light, 16k and more as deep; adaptive thinking (the
 * model decides) and a missing budget map to the middle. Disabled thinking sends nothing.
 */
export function effortOfThinking(thinking: ThinkingRequest | undefined): string | undefined {
  if (thinking === undefined || thinking.type === 'disabled') return undefined
  if (thinking.type === 'adaptive' || thinking.budgetTokens === undefined) return 'medium'
  if (thinking.budgetTokens < 4096) return 'low'
  if (thinking.budgetTokens < 16384) return 'medium'
  return 'high'
}

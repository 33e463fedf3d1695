// ChatRequest → Responses request body, for a backend with `api = "responses"` (SPEC §7.2).
import { withoutBillingBlock } from '../../ir/billing-block.ts'
import type { ChatRequest, ResponseFormat, ThinkingRequest } from '../../ir/request.ts'
import { encodeInput } from './encode-input.ts'
import { encodeToolChoice, encodeTools } from './tools.ts'
import type { ResponsesRequest, ResponsesTextFormat } from './wire.ts'

/**
 * `store: false` always: llmux keeps no conversation, and every turn carries the whole history.
 * Dropped, with no Responses counterpart: stopSequences, topK, includeUsage (usage always arrives in
 * response.completed); thinking budgets beyond the effort they imply.
 */
export function encodeRequest(request: ChatRequest, model: string): ResponsesRequest {
  const body: ResponsesRequest = { model, input: encodeInput(request.messages), store: false }
  // Claude Code's billing block would defeat this backend's prefix cache (SPEC §8): left out.
  const system = withoutBillingBlock(request.system)
  if (system.length > 0) body.instructions = system.map((part) => part.text).join('\n\n')
  if (request.isStreaming) body.stream = true
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = encodeTools(request.tools)
    if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice, request.tools)
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls
  }
  if (request.maxTokens !== undefined) body.max_output_tokens = request.maxTokens
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.topP !== undefined) body.top_p = request.topP
  const effort = request.reasoningEffort ?? effortOfThinking(request.thinking)
  if (effort !== undefined || request.reasoningSummary !== undefined) {
    body.reasoning = {
      ...(effort !== undefined && { effort }),
      // Not invented when absent: OpenAI refuses summaries to unverified organisations.
      ...(request.reasoningSummary !== undefined && { summary: request.reasoningSummary }),
    }
  }
  // With store: false, reasoning survives to the next turn only as encrypted_content.
  if ((effort !== undefined && effort !== 'none') || hasResponsesReasoning(request)) body.include = ['reasoning.encrypted_content']
  if (request.responseFormat !== undefined || request.verbosity !== undefined) {
    body.text = {
      ...(request.responseFormat !== undefined && { format: encodeFormat(request.responseFormat) }),
      ...(request.verbosity !== undefined && { verbosity: request.verbosity }),
    }
  }
  if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey
  if (request.user !== undefined) body.user = request.user
  return body
}

const hasResponsesReasoning = (request: ChatRequest): boolean =>
  request.messages.some((message) =>
    message.content.some((part) => part.type === 'thinking' && part.provenance?.origin === 'responses' && part.provenance.token !== undefined),
  )

/**
 * Anthropic-style thinking has a token budget; Responses has an effort level (the same reading as
 * openai/encode-request.ts's): under 4k tokens light, 16k and more deep, adaptive or no budget medium.
 */
function effortOfThinking(thinking: ThinkingRequest | undefined): string | undefined {
  if (thinking === undefined || thinking.type === 'disabled') return undefined
  if (thinking.type === 'adaptive' || thinking.budgetTokens === undefined) return 'medium'
  if (thinking.budgetTokens < 4096) return 'low'
  if (thinking.budgetTokens < 16384) return 'medium'
  return 'high'
}

function encodeFormat(format: ResponseFormat): ResponsesTextFormat {
  if (format.type !== 'json_schema') return { type: format.type }
  return {
    type: 'json_schema',
    // Responses requires a name; Anthropic's output_config.format has none.
    name: format.name ?? 'response',
    schema: format.schema,
    ...(format.strict !== undefined && { strict: format.strict }),
    ...(format.description !== undefined && { description: format.description }),
  }
}

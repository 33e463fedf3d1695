import type { ChatRequest, ResponseFormat } from '../../ir/index.ts'
import { encodeJsonSchema } from './schema.ts'
import type { GeminiGenerationConfig, GeminiThinkingConfig } from './wire.ts'

/**
 * Thinking budgets for reasoning efforts, the same ones Google's own OpenAI-compatible endpoint uses
 * (https://ai.google.dev/gemini-api/docs/openai). Other efforts ("minimal", "none", …) have no
 * documented budget: dropped, and the model keeps its default.
 */
const BUDGET_OF_EFFORT: Readonly<Record<string, number>> = { low: 1024, medium: 8192, high: 24576 }

/** Lets the model choose how long to think (https://ai.google.dev/gemini-api/docs/thinking#set-budget). */
const DYNAMIC_BUDGET = -1

/**
 * thinkingBudget (not thinkingLevel) because every thinking model accepts it, Gemini 3 included; the two
 * cannot be sent together. `includeThoughts` asks for thought summaries, which become thinking parts.
 * Thinking "disabled" sends nothing: a budget of 0 is rejected by models that cannot stop thinking
 * (2.5 Pro, Gemini 3), so the model's default stands, and its thoughts stay hidden (includeThoughts off).
 */
export function encodeThinkingConfig(request: ChatRequest): GeminiThinkingConfig | undefined {
  const { thinking, reasoningEffort } = request
  if (thinking?.type === 'disabled') return undefined
  if (thinking?.type === 'enabled' && thinking.budgetTokens !== undefined) {
    return { thinkingBudget: thinking.budgetTokens, includeThoughts: true }
  }
  const effortBudget = reasoningEffort === undefined ? undefined : BUDGET_OF_EFFORT[reasoningEffort]
  if (effortBudget !== undefined) return { thinkingBudget: effortBudget, includeThoughts: true }
  if (thinking !== undefined) return { thinkingBudget: DYNAMIC_BUDGET, includeThoughts: true }
  return undefined
}

/** https://ai.google.dev/gemini-api/docs/structured-output: responseJsonSchema needs the JSON mime type. */
function encodeResponseFormat(format: ResponseFormat | undefined): GeminiGenerationConfig {
  if (format === undefined || format.type === 'text') return {}
  if (format.type === 'json_object') return { responseMimeType: 'application/json' }
  // name, description and strict are OpenAI labels with no Gemini field: dropped.
  return { responseMimeType: 'application/json', responseJsonSchema: encodeJsonSchema(format.schema) }
}

/** generationConfig, or undefined when the request sets none of it. */
export function encodeGenerationConfig(request: ChatRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {
    maxOutputTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    topK: request.topK,
    stopSequences: request.stopSequences,
    ...encodeResponseFormat(request.responseFormat),
    thinkingConfig: encodeThinkingConfig(request),
  }
  const entries = Object.entries(config).filter(([, value]) => value !== undefined)
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as GeminiGenerationConfig)
}

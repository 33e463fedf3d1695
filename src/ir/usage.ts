/**
 * Token usage in Anthropic's sense: `inputTokens` excludes cached tokens, which are counted apart.
 * (OpenAI's prompt_tokens includes cached tokens; its decoder subtracts them so cost is never double-counted.)
 * A field is undefined when the upstream did not report it: absence is not zero.
 */
export interface Usage {
  inputTokens?: number
  outputTokens?: number
  cacheReadTokens?: number
  /** Every cache write, whatever its lifetime. */
  cacheWriteTokens?: number
  /** The part of cacheWriteTokens written for one hour (Anthropic `cache_creation.ephemeral_1h_input_tokens`), priced apart. */
  cacheWrite1hTokens?: number
  reasoningTokens?: number
}

/** Later reports win field by field; fields a report leaves out keep their earlier value. Mutates `into`. */
export function mergeUsage(into: Usage, from: Usage | undefined): void {
  if (!from) return
  if (from.inputTokens !== undefined) into.inputTokens = from.inputTokens
  if (from.outputTokens !== undefined) into.outputTokens = from.outputTokens
  if (from.cacheReadTokens !== undefined) into.cacheReadTokens = from.cacheReadTokens
  if (from.cacheWriteTokens !== undefined) into.cacheWriteTokens = from.cacheWriteTokens
  if (from.cacheWrite1hTokens !== undefined) into.cacheWrite1hTokens = from.cacheWrite1hTokens
  if (from.reasoningTokens !== undefined) into.reasoningTokens = from.reasoningTokens
}

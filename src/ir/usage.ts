/**
 * Token usage in Anthropic's sense: `inputTokens` excludes cached tokens, which are counted apart.
 * (OpenAI's prompt_tokens includes cached tokens; its decoder subtracts them so cost is never double-counted.)
 * A field is undefined when the upstream did not report it: absence is not zero.
 */
export interface Usage {
  inputTokens?: number
  outputTokens?: number
  cacheReadTokens?: number
  cacheWriteTokens?: number
  reasoningTokens?: number
}

// Prompt-cache breakpoints for a request that reaches an Anthropic backend through the IR (SPEC §8).
// https://docs.claude.com/en/docs/build-with-claude/prompt-caching
import type { AnthropicCacheControl, AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock, AnthropicTool } from './wire.ts'

/** Anthropic accepts at most four breakpoints per request. */
const MAX_BREAKPOINTS = 4

type Markable = { cache_control?: AnthropicCacheControl }

/**
 * Marks where Anthropic's cache pays: the last tool (tools come first in the cached prefix), the last
 * system block, and the last block of the last two user turns — the newest one writes the prefix the next
 * turn reads, the one before reads what the previous turn wrote. At most four. Mutates the blocks, which
 * the encoder has just built.
 *
 * Only Chat Completions and Responses requests get here: those clients have no breakpoints of their own to
 * keep (an Anthropic client's own ones reach an Anthropic backend untouched, by passthrough).
 */
export function addCacheBreakpoints(system: AnthropicTextBlock[], tools: AnthropicTool[] | undefined, messages: AnthropicMessage[]): void {
  const targets: (Markable | undefined)[] = [tools?.at(-1), system.at(-1)]
  const userTurns = messages.filter((message) => message.role === 'user').slice(-2)
  for (const turn of userTurns) targets.push(lastMarkable(turn.content))
  const marked = targets.filter((target) => target !== undefined).slice(0, MAX_BREAKPOINTS)
  for (const target of marked) target.cache_control = { type: 'ephemeral' }
}

/** Anthropic rejects cache_control on thinking blocks and on empty text. */
function lastMarkable(content: AnthropicContentBlock[]): Markable | undefined {
  return content.findLast(
    (block): block is Exclude<AnthropicContentBlock, { type: 'thinking' | 'redacted_thinking' }> =>
      block.type !== 'thinking' && block.type !== 'redacted_thinking' && !(block.type === 'text' && block.text === ''),
  )
}

import type { Prices } from '../config/config.ts'
import type { Usage } from '../ir/index.ts'

/**
 * The cost of one answer in USD, from prices in USD per million tokens (SPEC §8).
 *
 * - undefined when the backend has no prices at all, or the upstream reported no token counts:
 *   a cost is never guessed.
 * - A price left out counts as zero once any price is set (`price_input = 0` alone marks a free model).
 * - Cache reads and writes use their own prices; without one they are charged at `price_input`, the
 *   price they would have had uncached.
 * - Cache writes are split by lifetime (Anthropic's `usage.cache_creation`): five-minute writes
 *   (`cacheWriteTokens` − `cacheWrite1hTokens`) at `price_cache_write`, one-hour writes at
 *   `price_cache_write_1h`, else at `price_cache_write`, else at `price_input`. Anthropic bills them at
 *   1.25× and 2× the input price; no ratio is assumed here, because other providers' differ.
 * - `reasoningTokens` are already inside `outputTokens` in both protocols, so they are not added.
 * - Usage follows the IR: `inputTokens` excludes cached tokens, so nothing is charged twice.
 */
export function costOf(usage: Usage, prices: Prices): number | undefined {
  const { input, output, cacheRead, cacheWrite, cacheWrite1h } = prices
  if (input === undefined && output === undefined && cacheRead === undefined && cacheWrite === undefined && cacheWrite1h === undefined) {
    return undefined
  }
  if (usage.inputTokens === undefined && usage.outputTokens === undefined && usage.cacheReadTokens === undefined && usage.cacheWriteTokens === undefined) {
    return undefined
  }
  const inputPrice = input ?? 0
  const write1hTokens = usage.cacheWrite1hTokens ?? 0
  const write5mTokens = Math.max(0, (usage.cacheWriteTokens ?? 0) - write1hTokens)
  const microUsd =
    (usage.inputTokens ?? 0) * inputPrice +
    (usage.outputTokens ?? 0) * (output ?? 0) +
    (usage.cacheReadTokens ?? 0) * (cacheRead ?? inputPrice) +
    write5mTokens * (cacheWrite ?? inputPrice) +
    write1hTokens * (cacheWrite1h ?? cacheWrite ?? inputPrice)
  return microUsd / 1_000_000
}

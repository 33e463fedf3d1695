import type { Prices } from '../config/config.ts'
import type { Usage } from '../ir/index.ts'

/**
 * The cost of one answer in USD, from prices in USD per million tokens (SPEC §8).
 *
 * - undefined when the backend has no prices at all, or the upstream reported no token counts:
 *   a cost is never guessed.
 * - A price left out counts as zero once any price is set (`price_input = 0` alone marks a free model).
 * - Cache reads and writes use their own prices; without one they are charged at `price_input`, the
 *   price they would have had uncached (never cheaper than the truth when the price is missing).
 * - `reasoningTokens` are already inside `outputTokens` in both protocols, so they are not added.
 * - Usage follows the IR: `inputTokens` excludes cached tokens, so nothing is charged twice.
 */
export function costOf(usage: Usage, prices: Prices): number | undefined {
  if (prices.input === undefined && prices.output === undefined && prices.cacheRead === undefined && prices.cacheWrite === undefined) {
    return undefined
  }
  if (usage.inputTokens === undefined && usage.outputTokens === undefined && usage.cacheReadTokens === undefined && usage.cacheWriteTokens === undefined) {
    return undefined
  }
  const inputPrice = prices.input ?? 0
  const microUsd =
    (usage.inputTokens ?? 0) * inputPrice +
    (usage.outputTokens ?? 0) * (prices.output ?? 0) +
    (usage.cacheReadTokens ?? 0) * (prices.cacheRead ?? inputPrice) +
    (usage.cacheWriteTokens ?? 0) * (prices.cacheWrite ?? inputPrice)
  return microUsd / 1_000_000
}

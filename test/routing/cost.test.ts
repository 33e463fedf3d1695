import { describe, expect, test } from 'bun:test'
import { costOf } from '../../src/routing/cost.ts'

describe('costOf', () => {
  const prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }

  test.each([
    ['input and output', { inputTokens: 1_000_000, outputTokens: 100_000 }, prices, 3 + 1.5],
    [
      'cache tokens at their own prices, on top of uncached input',
      { inputTokens: 1000, outputTokens: 2000, cacheReadTokens: 100_000, cacheWriteTokens: 10_000 },
      prices,
      (1000 * 3 + 2000 * 15 + 100_000 * 0.3 + 10_000 * 3.75) / 1e6,
    ],
    ['cache without its own price: charged as input', { cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 }, { input: 2, output: 8 }, 4],
    ['a price left out is free', { inputTokens: 1_000_000, outputTokens: 1_000_000 }, { input: 0 }, 0],
    ['missing usage fields add nothing', { outputTokens: 1_000_000 }, prices, 15],
  ])('%s', (_name, usage, backendPrices, expected) => {
    expect(costOf(usage, backendPrices)).toBeCloseTo(expected, 12)
  })

  test('no prices or no usage: undefined, never a guess', () => {
    expect(costOf({ inputTokens: 10, outputTokens: 10 }, {})).toBeUndefined()
    expect(costOf({}, prices)).toBeUndefined()
    expect(costOf({ reasoningTokens: 10 }, prices)).toBeUndefined()
  })
})

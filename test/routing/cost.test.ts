import { describe, expect, test } from 'bun:test'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
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

describe('one-hour cache writes (SPEC §8)', () => {
  // Claude Sonnet 4.5's published prices: 5-minute writes 1.25× input, 1-hour writes 2× input.
  const sonnet = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 }
  // The shape Anthropic reports: cache_creation_input_tokens is the total of both kinds.
  const captured = {
    input_tokens: 12,
    cache_creation_input_tokens: 30_000,
    cache_read_input_tokens: 100_000,
    cache_creation: { ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 20_000 },
    output_tokens: 500,
    service_tier: 'standard',
  }

  test('a captured usage object with both kinds: each at its own price', () => {
    const usage = anthropic.usageOfResponse({ usage: captured })!
    expect(usage).toEqual({ inputTokens: 12, outputTokens: 500, cacheReadTokens: 100_000, cacheWriteTokens: 30_000, cacheWrite1hTokens: 20_000 })
    expect(costOf(usage, sonnet)).toBeCloseTo((12 * 3 + 500 * 15 + 100_000 * 0.3 + 10_000 * 3.75 + 20_000 * 6) / 1e6, 12)
  })

  test.each([
    ['no 1h price: one-hour writes at price_cache_write', { input: 3, cacheWrite: 3.75 }, (10_000 * 3.75 + 20_000 * 3.75) / 1e6],
    ['no cache write prices at all: both at price_input', { input: 3 }, (30_000 * 3) / 1e6],
    ['only the 1h price: five-minute writes at price_input', { input: 3, cacheWrite1h: 6 }, (10_000 * 3 + 20_000 * 6) / 1e6],
  ])('%s', (_name, prices, expected) => {
    expect(costOf({ cacheWriteTokens: 30_000, cacheWrite1hTokens: 20_000 }, prices)).toBeCloseTo(expected, 12)
  })

  test('the 1h price alone is a price; a 1h count above the total is never charged as negative 5m writes', () => {
    expect(costOf({ cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 }, { cacheWrite1h: 6 })).toBeCloseTo(6, 12)
    expect(costOf({ cacheWriteTokens: 5, cacheWrite1hTokens: 1_000_000 }, { input: 3, cacheWrite1h: 6 })).toBeCloseTo(6, 12)
  })

  test('message_start and message_delta events carry the split', () => {
    const start = { type: 'message_start', message: { id: 'msg_1', usage: { ...captured, output_tokens: 1 } } }
    const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { ...captured } }
    expect(anthropic.usageOfEvent({ event: 'message_start', data: JSON.stringify(start) })).toMatchObject({ cacheWriteTokens: 30_000, cacheWrite1hTokens: 20_000 })
    expect(anthropic.usageOfEvent({ event: 'message_delta', data: JSON.stringify(delta) })).toMatchObject({ cacheWrite1hTokens: 20_000, outputTokens: 500 })
  })

  test('a breakdown without the total still counts: the total is the sum', () => {
    const usage = anthropic.usageOfResponse({ usage: { input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 7, ephemeral_1h_input_tokens: 3 } } })
    expect(usage).toMatchObject({ cacheWriteTokens: 10, cacheWrite1hTokens: 3 })
  })
})

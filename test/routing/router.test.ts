import { describe, expect, test } from 'bun:test'
import type { BackendConfig, Trait } from '../../src/config/config.ts'
import { selectBackends, weightedOrder, type Route, type RouteOptions } from '../../src/routing/router.ts'
import type { RoutingState } from '../../src/routing/routing-state.ts'
import { backend, needs, provider, seededRandom, state } from './fixtures.ts'

const NOW = 1_700_000_000_000
const ordered: RouteOptions = { routing: 'ordered', random: () => 0 }

function route(
  backends: BackendConfig[],
  need = needs(),
  routingState: RoutingState = state(),
  options: Partial<RouteOptions> = {},
): Route {
  return selectBackends(need, backends, routingState, NOW, { ...ordered, ...options })
}

function ids(result: Route): string[] {
  if (result.kind !== 'ok') throw new Error(`expected candidates, got ${result.kind}: ${result.message}`)
  return result.candidates.map((candidate) => candidate.id)
}

function skipReason(result: Route, id: string): string | undefined {
  return result.skipped.find((skipped) => skipped.backend.id === id)?.reason
}

describe('selectBackends: each need', () => {
  const fits = backend('a:fits', { context: 200_000, vision: true, thinking: true })
  const cases: [string, BackendConfig, ReturnType<typeof needs>, RoutingState, string][] = [
    ['context', backend('b:small', { context: 8000 }), needs({ estimatedTokens: 12_000 }), state(), 'context 8000 < estimated 12000 tokens'],
    ['vision', backend('b:blind'), needs({ hasImages: true }), state(), 'no vision'],
    ['thinking', backend('b:plain'), needs({ isThinking: true }), state(), 'no thinking'],
    [
      'model_match',
      backend('b:gpt', { modelMatch: ['gpt-*'] }),
      needs({ model: 'claude-3' }),
      state(),
      'model_match ["gpt-*"] does not match "claude-3"',
    ],
    ['when', backend('b:coder', { when: ['code'] }), needs({ traits: new Set<Trait>(['tools']) }), state(), 'reserved for traits: code'],
    ['cooldown', backend('b:hot'), needs(), state({}, { 'b:hot': NOW + 41_000 }), 'cooling down for 41s'],
    [
      'window',
      backend('b:busy', { limits: { maxPerHour: 2 } }),
      needs(),
      state({ 'b:busy': [NOW - 48 * 60_000, NOW - 1000] }),
      'max_per_hour full (2/2), frees in 12m',
    ],
    [
      'disabled provider',
      backend('b:off', { provider: provider('b', { isDisabled: true, disabledReason: 'OPENAI_API_KEY is not set' }) }),
      needs(),
      state(),
      'provider disabled: OPENAI_API_KEY is not set',
    ],
    ['embeddings backend', backend('b:embed', { isEmbeddings: true }), needs(), state(), 'embeddings backend'],
  ]

  test.each(cases)('%s: skipped with its reason', (_name, skipped, need, routingState, reason) => {
    const result = route([skipped, fits], need, routingState)
    expect(ids(result)).toEqual(['a:fits'])
    expect(skipReason(result, skipped.id)).toBe(reason)
  })

  test.each(cases)('%s: the same backend fits a request without that need', (_name, candidate) => {
    if (candidate.provider.isDisabled || candidate.isEmbeddings || candidate.when.length > 0) return
    expect(ids(route([candidate], needs({ model: 'gpt-4o' })))).toEqual([candidate.id])
  })

  test('model_match is case-insensitive; `when` needs every trait', () => {
    const gpt = backend('a:gpt', { modelMatch: ['gpt-4*'] })
    const both = backend('a:both', { when: ['code', 'long'] })
    expect(ids(route([gpt], needs({ model: 'GPT-4o' })))).toEqual(['a:gpt'])
    expect(route([both], needs({ traits: new Set<Trait>(['code']) })).kind).toBe('invalid_request')
    expect(ids(route([both], needs({ traits: new Set<Trait>(['code', 'long', 'tools']) })))).toEqual(['a:both'])
  })

  test('a cooldown ends exactly at its time', () => {
    const hot = backend('a:hot')
    expect(route([hot], needs(), state({}, { 'a:hot': NOW + 1 })).kind).toBe('rate_limited')
    expect(ids(route([hot], needs(), state({}, { 'a:hot': NOW })))).toEqual(['a:hot'])
  })

  test('chat never goes to embeddings backends; embeddings only to them', () => {
    const chatOnly = backend('a:chat')
    const embed = backend('a:embed', { isEmbeddings: true })
    expect(ids(route([embed, chatOnly]))).toEqual(['a:chat'])
    const result = route([chatOnly, embed], needs(), state(), { purpose: 'embeddings' })
    expect(ids(result)).toEqual(['a:embed'])
    expect(skipReason(result, 'a:chat')).toBe('not an embeddings backend')
  })

  test('after a context-length failure only larger contexts fit', () => {
    const small = backend('a:small', { context: 32_000 })
    const large = backend('a:large', { context: 200_000 })
    const result = route([small, large], needs(), state(), { minContext: 32_000, exclude: new Set(['a:small']) })
    expect(ids(result)).toEqual(['a:large'])
    expect(skipReason(result, 'a:small')).toBe('already tried; context 32000 is not larger than 32000, which was too small')
  })
})

describe('selectBackends: order', () => {
  const a = backend('p:a')
  const b = backend('p:b')
  const spare = backend('p:spare', { isFallback: true })
  const c = backend('p:c')

  test('ordered: config order, fallbacks last', () => {
    expect(ids(route([spare, a, b, c]))).toEqual(['p:a', 'p:b', 'p:c', 'p:spare'])
  })

  test('a model naming a backend exactly tries it first, even past its model_match and `when`', () => {
    const named = backend('p:named', { modelMatch: ['other-*'], when: ['code'] })
    expect(ids(route([a, b, named], needs({ model: 'p:named' })))).toEqual(['p:named', 'p:a', 'p:b'])
    expect(ids(route([a, spare], needs({ model: 'p:spare' })))).toEqual(['p:spare', 'p:a'])
  })

  test('a named backend still needs capacity', () => {
    const named = backend('p:named')
    const result = route([a, named], needs({ model: 'p:named', hasImages: true }))
    expect(result.kind).toBe('invalid_request')
  })

  test('fallbacks serve when nothing else fits', () => {
    expect(ids(route([a, spare], needs(), state({}, { 'p:a': NOW + 5000 })))).toEqual(['p:spare'])
  })

  test('weighted: 1,000 picks spread within a few percent of the weights', () => {
    const backends = [backend('w:one', { weight: 1 }), backend('w:two', { weight: 2 }), backend('w:five', { weight: 5 }), spare]
    const random = seededRandom(42)
    const counts = new Map<string, number>()
    for (let i = 0; i < 1000; i++) {
      const order = ids(route(backends, needs(), state(), { routing: 'weighted', random }))
      counts.set(order[0], (counts.get(order[0]) ?? 0) + 1)
      expect(order).toHaveLength(4)
      expect(order[3]).toBe('p:spare')
    }
    expect(counts.get('p:spare')).toBeUndefined()
    expect(Math.abs((counts.get('w:one') ?? 0) / 1000 - 1 / 8)).toBeLessThan(0.03)
    expect(Math.abs((counts.get('w:two') ?? 0) / 1000 - 2 / 8)).toBeLessThan(0.03)
    expect(Math.abs((counts.get('w:five') ?? 0) / 1000 - 5 / 8)).toBeLessThan(0.03)
  })

  test('weightedOrder: picks without replacement, weight 0 last', () => {
    const zero = backend('w:zero', { weight: 0 })
    const heavy = backend('w:heavy', { weight: 3 })
    const light = backend('w:light', { weight: 1 })
    expect(weightedOrder([zero, light, heavy], () => 0).map((x) => x.id)).toEqual(['w:light', 'w:heavy', 'w:zero'])
    expect(weightedOrder([zero, light, heavy], () => 0.99).map((x) => x.id)).toEqual(['w:heavy', 'w:light', 'w:zero'])
  })
})

describe('selectBackends: rejections', () => {
  test('limits and cooldowns only: rate_limited with the soonest moment one frees', () => {
    const hot = backend('a:hot')
    const busy = backend('a:busy', { limits: { maxPerMinute: 1 } })
    const blind = backend('a:blind', { vision: false })
    const result = route([hot, busy], needs(), state({ 'a:busy': [NOW - 50_000] }, { 'a:hot': NOW + 30_000 }))
    expect(result).toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 })
    const withImages = route([hot, blind], needs({ hasImages: true }), state({}, { 'a:hot': NOW + 30_000 }))
    expect(withImages).toMatchObject({ kind: 'invalid_request', message: 'no backend supports images' })
  })

  test('a backend blocked by a window and a cooldown frees when both have passed', () => {
    const both = backend('a:both', { limits: { maxPerMinute: 1 } })
    const result = route([both], needs(), state({ 'a:both': [NOW - 50_000] }, { 'a:both': NOW + 30_000 }))
    expect(result).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 })
  })

  const small = backend('a:small', { context: 8000, modelMatch: ['gpt-*'] })
  const seeing = backend('a:seeing', { context: 8000, vision: true })
  test.each([
    ['images', [small], needs({ hasImages: true }), 'no backend supports images'],
    ['thinking', [small], needs({ isThinking: true }), 'no backend supports thinking'],
    ['context', [small, seeing], needs({ estimatedTokens: 200_000 }), 'no backend has a context of 200000 tokens'],
    ['model', [small], needs({ model: 'x' }), 'no backend matches model "x"'],
    [
      'no single backend',
      [small, backend('a:seeing-gpt', { vision: true, modelMatch: ['gpt-*'] }), backend('a:seeing-tiny', { vision: true, context: 500 })],
      needs({ hasImages: true, model: 'claude' }),
      'no single backend meets every need of this request (1000 tokens, model "claude", images)',
    ],
  ])('%s: invalid_request naming the need', (_name, backends, need, message) => {
    expect(route(backends, need)).toMatchObject({ kind: 'invalid_request', message })
  })

  test('only disabled providers: says which', () => {
    const off = backend('a:off', { provider: provider('a', { isDisabled: true, disabledReason: 'A_KEY is not set' }) })
    expect(route([off])).toMatchObject({ kind: 'invalid_request', message: 'no backend is enabled (provider disabled: A_KEY is not set)' })
  })

  test('a larger context after a context-length failure', () => {
    const only = backend('a:only', { context: 8000 })
    const result = route([only], needs(), state(), { minContext: 8000, exclude: new Set(['a:only']) })
    expect(result).toMatchObject({ kind: 'invalid_request', message: 'no backend has a context larger than 8000 tokens' })
  })

  test('every fitting backend already tried', () => {
    const result = route([backend('a:one')], needs(), state(), { exclude: new Set(['a:one']) })
    expect(result).toMatchObject({ kind: 'invalid_request', message: 'every fitting backend was already tried' })
  })

  test('every backend is listed in skipped', () => {
    const result = route([backend('a:x', { context: 10 }), backend('a:y', { context: 10 })])
    expect(result.skipped.map((skipped) => skipped.backend.id)).toEqual(['a:x', 'a:y'])
  })
})

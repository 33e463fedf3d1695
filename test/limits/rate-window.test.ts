import { describe, expect, test } from 'bun:test'
import type { RateLimits } from '../../src/config/config.ts'
import { DAY_MS, firstIndexAfter, HOUR_MS, keepCountOf, MINUTE_MS, windowsFull, windowUses, type WindowName } from '../../src/limits/rate-window.ts'

describe('windowsFull', () => {
  test.each<[WindowName, RateLimits, number]>([
    ['max_per_minute', { maxPerMinute: 2 }, MINUTE_MS],
    ['max_per_hour', { maxPerHour: 2 }, HOUR_MS],
    ['max_per_5hours', { maxPer5Hours: 2 }, 5 * HOUR_MS],
    ['max_per_day', { maxPerDay: 2 }, DAY_MS],
  ])('%s rolls over exactly windowMs after the attempt that frees the slot', (name, limits, windowMs) => {
    const attempts = [1000, 5000]
    expect(windowsFull(limits, attempts, 5000)).toEqual([{ name, limit: 2, count: 2, freesInMs: windowMs - 4000 }])
    expect(windowsFull(limits, attempts, 1000 + windowMs - 1)).toHaveLength(1)
    expect(windowsFull(limits, attempts, 1000 + windowMs)).toEqual([])
    expect(windowUses(limits, attempts, 1000 + windowMs)).toEqual([{ name, limit: 2, count: 1, freesInMs: 0 }])
    expect(windowUses(limits, attempts, 5000 + windowMs)[0].count).toBe(0)
  })

  test('over the limit: frees when the limit-th newest attempt leaves', () => {
    const attempts = [0, 10, 20, 30]
    expect(windowsFull({ maxPerMinute: 2 }, attempts, 40)).toEqual([
      { name: 'max_per_minute', limit: 2, count: 4, freesInMs: MINUTE_MS + 20 - 40 },
    ])
  })

  test('reports each full window; no limits means never full', () => {
    const attempts = [0, 1, 2]
    const full = windowsFull({ maxPerMinute: 5, maxPerHour: 3, maxPerDay: 3 }, attempts, 10)
    expect(full.map((use) => use.name)).toEqual(['max_per_hour', 'max_per_day'])
    expect(windowsFull({}, attempts, 10)).toEqual([])
  })

  test('keepCountOf is the largest limit', () => {
    expect(keepCountOf({})).toBe(0)
    expect(keepCountOf({ maxPerMinute: 60, maxPerDay: 1000, maxPerHour: 100 })).toBe(1000)
  })

  test('firstIndexAfter finds the first time strictly after', () => {
    const times = [1, 2, 2, 3, 7]
    expect([0, 1, 2, 3, 6, 7, 9].map((t) => firstIndexAfter(times, t))).toEqual([0, 1, 3, 4, 4, 5, 5])
    expect(firstIndexAfter([], 5)).toBe(0)
  })
})

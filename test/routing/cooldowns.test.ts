import { describe, expect, test } from 'bun:test'
import { cooldownLeftMs, cooldownUntil, isCoolingDown, MAX_COOLDOWN_MS, retryAfterMsOf } from '../../src/routing/cooldowns.ts'

const NOW = Date.UTC(2025, 2, 7, 12, 0, 0)

describe('cooldowns', () => {
  const cooldowns = new Map([['a:x', NOW + 5000]])

  test('cooling down until exactly its end', () => {
    expect(isCoolingDown(cooldowns, 'a:x', NOW + 4999)).toBe(true)
    expect(isCoolingDown(cooldowns, 'a:x', NOW + 5000)).toBe(false)
    expect(isCoolingDown(cooldowns, 'a:other', NOW)).toBe(false)
    expect(cooldownLeftMs(cooldowns, 'a:x', NOW + 1000)).toBe(4000)
    expect(cooldownLeftMs(cooldowns, 'a:x', NOW + 9000)).toBe(0)
  })

  test.each([
    ['seconds', { 'retry-after': '30' }, 30_000],
    ['decimal seconds', { 'retry-after': '1.5' }, 1500],
    ['HTTP date', { 'retry-after': new Date(NOW + 90_000).toUTCString() }, 90_000],
    ['HTTP date in the past', { 'retry-after': new Date(NOW - 90_000).toUTCString() }, 0],
    ['retry-after-ms', { 'retry-after-ms': '250' }, 250],
    ['retry-after-ms wins', { 'retry-after-ms': '250', 'retry-after': '30' }, 250],
    ['unreadable', { 'retry-after': 'soon' }, undefined],
    ['negative', { 'retry-after': '-5' }, undefined],
    ['none', {}, undefined],
  ])('retryAfterMsOf: %s', (_name, headers, expected) => {
    expect(retryAfterMsOf(new Headers(headers), NOW)).toBe(expected)
  })

  test('cooldownUntil: the upstream wait wins, else the backend cooldown, capped', () => {
    expect(cooldownUntil(60_000, NOW)).toBe(NOW + 60_000)
    expect(cooldownUntil(60_000, NOW, new Headers())).toBe(NOW + 60_000)
    expect(cooldownUntil(60_000, NOW, new Headers({ 'retry-after': '5' }))).toBe(NOW + 5000)
    expect(cooldownUntil(60_000, NOW, new Headers({ 'retry-after': '86400' }))).toBe(NOW + MAX_COOLDOWN_MS)
    expect(cooldownUntil(3_600_000, NOW)).toBe(NOW + MAX_COOLDOWN_MS)
  })
})

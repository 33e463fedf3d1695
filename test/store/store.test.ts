import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../../src/store/memory-store.ts'
import { RedisStore } from '../../src/store/redis-store.ts'
import { SqliteStore } from '../../src/store/sqlite-store.ts'
import type { RequestRecord, Store } from '../../src/store/store.ts'
import { startRedis, type RunningRedis } from '../helpers/redis-server.ts'

const DAY = Date.UTC(2025, 2, 7)
const HOUR = 3_600_000
const dirs: string[] = []

function sqliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-store-'))
  dirs.push(dir)
  return new SqliteStore(join(dir, 'llmux.db'))
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

let redis: RunningRedis | undefined
let redisStores = 0
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

/** Each test gets its own key prefix on the one server, so tests never see each other's keys. */
function redisStore(): Store {
  if (redis === undefined) throw new Error('redis-server did not start')
  return new RedisStore(redis.url, { failure: 'closed', keyPrefix: `llmux-test-${++redisStores}:` })
}

function request(overrides: Partial<RequestRecord>): RequestRecord {
  return {
    timeMs: DAY,
    protocol: 'anthropic',
    requestedModel: 'claude-sonnet-4',
    backend: 'openai:gpt-4o',
    attempts: 1,
    status: 200,
    inputTokens: 100,
    outputTokens: 10,
    totalMs: 50,
    isCutShort: false,
    ...overrides,
  }
}

describe.each([
  ['memory', () => new MemoryStore()],
  ['sqlite', sqliteStore],
])('%s store: the answer cache keeps at most max entries', (_name, open) => {
  test('past the bound the oldest answers go', async () => {
    const store = open()
    for (let i = 0; i < 5; i++) {
      await store.cacheAnswer(`k${i}`, `v${i}`, DAY + i, 60_000, 3)
      await store.flush()
    }
    const kept = await Promise.all([0, 1, 2, 3, 4].map((i) => store.cachedAnswer(`k${i}`, DAY + 10)))
    expect(kept).toEqual([undefined, undefined, 'v2', 'v3', 'v4'])
    await store.close()
  })
})

describe.each([
  ['memory', () => new MemoryStore()],
  ['sqlite', sqliteStore],
  ['redis', redisStore],
])('%s store', (_name, open) => {
  test('an attempt is admitted while every window has room, then refused until one frees', async () => {
    const store = open()
    const limits = { maxPerMinute: 2, maxPerHour: 3 }
    expect(await store.reserveAttempt('a:x', limits, DAY)).toEqual({ isAdmitted: true })
    expect(await store.reserveAttempt('a:x', limits, DAY + 1000)).toEqual({ isAdmitted: true })
    const refused = await store.reserveAttempt('a:x', limits, DAY + 2000)
    expect(refused).toMatchObject({ isAdmitted: false, freesInMs: 58_000, isCoolingDown: false })
    if (refused.isAdmitted) throw new Error('admitted')
    expect(refused.full.map((use) => [use.name, use.count, use.limit])).toEqual([['max_per_minute', 2, 2]])
    // A minute after the first attempt one slot of the minute frees; the hour then has 1 left of 3.
    expect(await store.reserveAttempt('a:x', limits, DAY + 60_000)).toEqual({ isAdmitted: true })
    const hourFull = await store.reserveAttempt('a:x', limits, DAY + 120_000)
    expect(hourFull).toMatchObject({ isAdmitted: false, freesInMs: HOUR - 120_000 })
    expect(store.routing.attempts.get('a:x')).toEqual([DAY, DAY + 1000, DAY + 60_000])
    for (let i = 0; i < 50; i++) expect(await store.reserveAttempt('a:unlimited', {}, DAY + i)).toEqual({ isAdmitted: true })
    expect(store.routing.attempts.get('a:unlimited')).toBeUndefined()
    await store.close()
  })

  test('a cooldown refuses attempts until it ends; an earlier deadline never cuts a later one short', async () => {
    const store = open()
    await store.setCooldown('a:x', DAY + 9000)
    await store.setCooldown('a:x', DAY + 5000)
    expect(store.routing.cooldowns.get('a:x')).toBe(DAY + 9000)
    expect(await store.reserveAttempt('a:x', {}, DAY + 6000)).toMatchObject({ isAdmitted: false, freesInMs: 3000, isCoolingDown: true })
    expect(await store.reserveAttempt('a:x', {}, DAY + 9000)).toEqual({ isAdmitted: true })
    await store.close()
  })

  test("a client's requests are checked and counted in one step", async () => {
    const store = open()
    const limits = { maxPerMinute: 2 }
    expect(await store.reserveClientRequest('team', limits, DAY)).toEqual({ isAdmitted: true })
    expect(await store.reserveClientRequest('team', limits, DAY + 1)).toEqual({ isAdmitted: true })
    const refused = await store.reserveClientRequest('team', limits, DAY + 2)
    expect(refused).toMatchObject({ isAdmitted: false, freesInMs: 59_998 })
    expect(await store.reserveClientRequest('other', limits, DAY + 2)).toEqual({ isAdmitted: true })
    await store.close()
  })

  test('spend per UTC day and month; a reached budget refuses until it resets', async () => {
    const store = open()
    const budgets = { dailyUsd: 2, monthlyUsd: 3 }
    await store.settleSpend('team', 1.5, DAY + 1000)
    expect(await store.reserveSpend('team', budgets, DAY + 2000)).toEqual({ isAdmitted: true })
    await store.settleSpend('team', 0.5, DAY + 23 * HOUR)
    expect(store.spendOf('team', DAY + 23 * HOUR)).toEqual({ dayUsd: 2, monthUsd: 2 })
    expect(await store.reserveSpend('team', budgets, DAY + 23 * HOUR)).toEqual({ isAdmitted: false, period: 'daily', budgetUsd: 2, resetsAtMs: DAY + 24 * HOUR })
    expect(await store.reserveSpend('team', budgets, DAY + 24 * HOUR)).toEqual({ isAdmitted: true })
    await store.settleSpend('team', 1, DAY + 24 * HOUR)
    expect(store.spendOf('team', DAY + 24 * HOUR)).toEqual({ dayUsd: 1, monthUsd: 3 })
    expect(await store.reserveSpend('team', budgets, DAY + 24 * HOUR)).toMatchObject({ isAdmitted: false, period: 'monthly', resetsAtMs: Date.UTC(2025, 3, 1) })
    expect(store.spendOf('team', Date.UTC(2025, 3, 1))).toEqual({ dayUsd: 0, monthUsd: 0 })
    expect(await store.reserveSpend('other', budgets, DAY)).toEqual({ isAdmitted: true })
    await store.close()
  })

  test("a session's backend is remembered until its affinity expires", async () => {
    const store = open()
    expect(await store.affinityOf('-:s1', DAY)).toBeUndefined()
    await store.rememberAffinity('-:s1', 'a:x', DAY, 60_000)
    expect(await store.affinityOf('-:s1', DAY + 1000)).toBe('a:x')
    await store.rememberAffinity('-:s1', 'b:y', DAY + 2000, 60_000)
    expect(await store.affinityOf('-:s1', DAY + 3000)).toBe('b:y')
    expect(await store.affinityOf('-:s2', DAY + 3000)).toBeUndefined()
    await store.close()
  })

  test('a cached answer is a hit until its ttl passes, a miss for any other key', async () => {
    const store = open()
    expect(await store.cachedAnswer('k1', DAY)).toBeUndefined()
    // Redis expires by its own clock: a ttl short enough to wait out for real, long enough to read first.
    await store.cacheAnswer('k1', '{"content":[]}', DAY, 300, 100)
    expect(await store.cachedAnswer('k1', DAY + 10)).toBe('{"content":[]}')
    expect(await store.cachedAnswer('k2', DAY + 10)).toBeUndefined()
    await store.flush()
    expect(await store.cachedAnswer('k1', DAY + 10)).toBe('{"content":[]}')
    await Bun.sleep(350)
    expect(await store.cachedAnswer('k1', DAY + 400)).toBeUndefined()
    await store.close()
  })

  test('a rewritten answer replaces the old one', async () => {
    const store = open()
    await store.cacheAnswer('k', 'one', DAY, 60_000, 100)
    await store.cacheAnswer('k', 'two', DAY + 1, 60_000, 100)
    expect(await store.cachedAnswer('k', DAY + 2)).toBe('two')
    await store.flush()
    expect(await store.cachedAnswer('k', DAY + 2)).toBe('two')
    await store.close()
  })

  test('usage grouped by backend, client and day, since a moment', async () => {
    const store = open()
    store.recordRequest(request({ timeMs: DAY - 2 * 24 * HOUR, client: 'old' }))
    store.recordRequest(request({ client: 'team', costUsd: 0.5, cacheReadTokens: 1000, totalMs: 100 }))
    store.recordRequest(request({ client: 'team', costUsd: 0.25, status: 429, totalMs: 300, timeMs: DAY + 25 * HOUR }))
    store.recordRequest(request({ backend: 'local:llama', costUsd: undefined, inputTokens: undefined }))
    store.recordRequest(request({ backend: undefined, status: 400, outputTokens: undefined }))
    const since = DAY - HOUR

    const byBackend = await store.usage({ sinceMs: since, groupBy: 'backend' })
    expect(byBackend.map((row) => [row.key, row.requests, row.errors])).toEqual([
      ['-', 1, 1],
      ['local:llama', 1, 0],
      ['openai:gpt-4o', 2, 1],
    ])
    expect(byBackend[2]).toMatchObject({ inputTokens: 200, outputTokens: 20, cacheReadTokens: 1000, cacheWriteTokens: 0, avgTotalMs: 200 })
    expect(byBackend[2].costUsd).toBeCloseTo(0.75, 12)
    expect(byBackend[1]).toMatchObject({ inputTokens: 0, costUsd: 0, unpricedRequests: 1 })

    const byClient = await store.usage({ sinceMs: since, groupBy: 'client' })
    expect(byClient.map((row) => [row.key, row.requests])).toEqual([
      ['-', 2],
      ['team', 2],
    ])

    const byDay = await store.usage({ sinceMs: 0, groupBy: 'day' })
    expect(byDay.map((row) => [row.key, row.requests])).toEqual([
      ['2025-03-05', 1],
      ['2025-03-07', 3],
      ['2025-03-08', 1],
    ])
    await store.close()
  })
})

describe('memory store', () => {
  test('the request log stays bounded', async () => {
    const store = new MemoryStore({ maxLogEntries: 10 })
    for (let i = 0; i < 100; i++) store.recordRequest(request({ timeMs: DAY + i }))
    const [row] = await store.usage({ sinceMs: 0, groupBy: 'day' })
    expect(row.requests).toBeGreaterThanOrEqual(10)
    expect(row.requests).toBeLessThanOrEqual(20)
  })
})

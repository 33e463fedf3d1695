import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from '../../src/store/memory-store.ts'
import { SqliteStore } from '../../src/store/sqlite-store.ts'
import type { RequestRecord, Store } from '../../src/store/store.ts'

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
])('%s store', (_name, open) => {
  test('attempts feed the routing view, bounded by the largest limit', async () => {
    const store = open()
    const limits = { maxPerMinute: 2, maxPerHour: 3 }
    for (let i = 0; i < 50; i++) store.recordAttempt('a:x', DAY + i, limits)
    const times = store.routing.attempts.get('a:x') ?? []
    expect(times.length).toBeGreaterThanOrEqual(3)
    expect(times.length).toBeLessThanOrEqual(2 * 3 + 8)
    expect(times.at(-1)).toBe(DAY + 49)
    store.recordAttempt('a:unlimited', DAY, {})
    expect(store.routing.attempts.get('a:unlimited')).toBeUndefined()
    await store.close()
  })

  test('cooldowns and client requests', async () => {
    const store = open()
    store.setCooldown('a:x', DAY + 5000)
    store.setCooldown('a:x', DAY + 9000)
    expect(store.routing.cooldowns.get('a:x')).toBe(DAY + 9000)
    store.recordClientRequest('team', DAY + 2, { maxPerMinute: 10 })
    store.recordClientRequest('team', DAY + 1, { maxPerMinute: 10 })
    expect(store.clientRequests('team')).toEqual([DAY + 1, DAY + 2])
    expect(store.clientRequests('nobody')).toEqual([])
    await store.close()
  })

  test('spend per UTC day and month', async () => {
    const store = open()
    store.addSpend('team', 1.5, DAY + 1000)
    store.addSpend('team', 0.25, DAY + 23 * HOUR)
    expect(store.spendOf('team', DAY + 23 * HOUR)).toEqual({ dayUsd: 1.75, monthUsd: 1.75 })
    expect(store.spendOf('team', DAY + 24 * HOUR)).toEqual({ dayUsd: 0, monthUsd: 1.75 })
    store.addSpend('team', 1, DAY + 24 * HOUR)
    expect(store.spendOf('team', DAY + 24 * HOUR)).toEqual({ dayUsd: 1, monthUsd: 2.75 })
    expect(store.spendOf('team', Date.UTC(2025, 3, 1))).toEqual({ dayUsd: 0, monthUsd: 0 })
    expect(store.spendOf('other', DAY)).toEqual({ dayUsd: 0, monthUsd: 0 })
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

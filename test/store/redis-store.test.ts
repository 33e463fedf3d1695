import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { GatewayError } from '../../src/errors.ts'
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.ts'
import type { RequestRecord } from '../../src/store/store.ts'
import { startRedis, type RunningRedis } from '../helpers/redis-server.ts'

const NOW = Date.UTC(2025, 2, 7, 12)
const HOUR = 3_600_000
const stores: RedisStore[] = []
const servers: RunningRedis[] = []
let prefixes = 0

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function server(): Promise<RunningRedis> {
  const started = await startRedis()
  servers.push(started)
  return started
}

interface Lines {
  warn: string[]
  info: string[]
}

/** A store on the server; stores opened with the same `prefix` share everything. */
function open(redis: RunningRedis, options: Partial<RedisStoreOptions> & { prefix?: string } = {}): RedisStore & { lines: Lines } {
  const lines: Lines = { warn: [], info: [] }
  const log = { warn: (line: string) => void lines.warn.push(line), info: (line: string) => void lines.info.push(line) }
  const keyPrefix = options.prefix ?? `t${++prefixes}:`
  const defaults = { failure: 'open', log, commandTimeoutMs: 300, connectTimeoutMs: 500, keyPrefix } as const
  const store = Object.assign(new RedisStore(redis.url, { ...defaults, ...options }), { lines })
  stores.push(store)
  return store
}

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  const base = { timeMs: NOW, protocol: 'openai', requestedModel: 'gpt-4o', backend: 'a:x', attempts: 1, status: 200 } as const
  return { ...base, totalMs: 10, isCutShort: false, ...overrides }
}

async function waitFor(condition: () => boolean, timeoutMs = 6000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await Bun.sleep(20)
  }
}

/** Resolves with how long the call took, whether it answered or threw. */
async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await call().catch(() => undefined)
  return performance.now() - started
}

describe('two redis stores on one server', () => {
  let redis: RunningRedis
  beforeAll(async () => {
    redis = await server()
  })

  test('concurrent reservations from both admit exactly the shared limit', async () => {
    const [a, b] = [open(redis, { prefix: 'shared1:' }), open(redis, { prefix: 'shared1:' })]
    const limits = { maxPerHour: 5 }
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).reserveAttempt('a:x', limits, NOW + i)),
    )
    expect(answers.filter((answer) => answer.isAdmitted)).toHaveLength(5)
    const clients = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).reserveClientRequest('team', { maxPerMinute: 7 }, NOW + i)),
    )
    expect(clients.filter((answer) => answer.isAdmitted)).toHaveLength(7)
    // A refusal brings the backend's stored times into the local snapshot the router reads.
    expect((a.routing.attempts.get('a:x') ?? []).length).toBe(5)
    expect((b.routing.attempts.get('a:x') ?? []).length).toBe(5)
    const refused = await b.reserveAttempt('a:x', limits, NOW + 100)
    expect(refused).toMatchObject({ isAdmitted: false, isCoolingDown: false })
    if (refused.isAdmitted) throw new Error('admitted')
    expect(refused.full).toEqual([{ name: 'max_per_hour', limit: 5, count: 5, freesInMs: expect.any(Number) }])
    expect(refused.freesInMs).toBeGreaterThanOrEqual(HOUR - 100)
    expect(refused.freesInMs).toBeLessThan(HOUR)
  })

  test('a cooldown set by one refuses the other, with when it ends', async () => {
    const [a, b] = [open(redis, { prefix: 'shared2:' }), open(redis, { prefix: 'shared2:' })]
    expect(await b.reserveAttempt('a:x', {}, NOW)).toEqual({ isAdmitted: true })
    await a.setCooldown('a:x', NOW + 30_000)
    await b.setCooldown('a:x', NOW + 10_000)
    expect(await b.reserveAttempt('a:x', {}, NOW + 1000)).toMatchObject({ isAdmitted: false, isCoolingDown: true, freesInMs: 29_000 })
    expect(b.routing.cooldowns.get('a:x')).toBe(NOW + 30_000)
    expect(await b.reserveAttempt('a:x', {}, NOW + 30_000)).toEqual({ isAdmitted: true })
  })

  test('spend settled on one is refused by the other at the budget', async () => {
    const [a, b] = [open(redis, { prefix: 'shared3:' }), open(redis, { prefix: 'shared3:' })]
    const budgets = { dailyUsd: 1 }
    expect(await b.reserveSpend('team', budgets, NOW)).toEqual({ isAdmitted: true })
    await a.settleSpend('team', 0.6, NOW)
    await b.settleSpend('team', 0.3, NOW)
    expect(await a.reserveSpend('team', budgets, NOW)).toEqual({ isAdmitted: true })
    await a.settleSpend('team', 0.1, NOW)
    expect(await b.reserveSpend('team', budgets, NOW)).toMatchObject({ isAdmitted: false, period: 'daily', budgetUsd: 1 })
    expect(b.spendOf('team', NOW).dayUsd).toBeCloseTo(1, 12)
  })

  test('usage written by one is read by the other; a new store starts from the shared state', async () => {
    const a = open(redis, { prefix: 'shared4:' })
    a.recordRequest(record({ client: 'team', costUsd: 0.5 }))
    a.recordRequest(record({ client: 'team', status: 500, timeMs: NOW + 1 }))
    await a.reserveAttempt('a:x', { maxPerMinute: 3 }, NOW)
    await a.setCooldown('a:y', NOW + 5000)
    await a.settleSpend('team', 0.25, NOW)
    await a.flush()
    const b = open(redis, { prefix: 'shared4:', now: () => NOW })
    const [row] = await b.usage({ sinceMs: NOW - HOUR, groupBy: 'client' })
    expect(row).toMatchObject({ key: 'team', requests: 2, errors: 1, costUsd: 0.5, unpricedRequests: 1 })
    expect(b.routing.attempts.get('a:x')).toEqual([NOW])
    expect(b.routing.cooldowns.get('a:y')).toBe(NOW + 5000)
    expect(b.spendOf('team', NOW)).toEqual({ dayUsd: 0.25, monthUsd: 0.25 })
  })
})

describe('redis unreachable', () => {
  test('"open" serves on local state with one warning, and recovers by itself', async () => {
    const redis = await server()
    const store = open(redis)
    const limits = { maxPerMinute: 2 }
    expect(await store.reserveAttempt('a:x', limits, NOW)).toEqual({ isAdmitted: true })
    expect(store.health).toBe('ok')
    await redis.kill9()
    await waitFor(() => store.health === 'degraded')
    // Local state holds the attempt counted before the outage: one more fits, then the window is full.
    expect(await store.reserveAttempt('a:x', limits, NOW + 1)).toEqual({ isAdmitted: true })
    expect(await store.reserveAttempt('a:x', limits, NOW + 2)).toMatchObject({ isAdmitted: false, freesInMs: 59_998 })
    expect(await store.reserveClientRequest('team', limits, NOW)).toEqual({ isAdmitted: true })
    expect(await store.reserveSpend('team', { dailyUsd: 1 }, NOW)).toEqual({ isAdmitted: true })
    await store.settleSpend('team', 0.4, NOW)
    await store.setCooldown('a:y', NOW + 9000)
    store.recordRequest(record({ client: 'team', costUsd: 0.4 }))
    expect(store.health).toBe('degraded')
    expect(store.lines.warn).toHaveLength(1)
    expect(store.lines.warn[0]).toContain('serving on local state')
    expect(await store.usage({ sinceMs: 0, groupBy: 'client' }).catch((error: unknown) => error)).toBeInstanceOf(GatewayError)

    await redis.restart()
    await waitFor(() => store.health === 'ok')
    expect(store.lines.warn).toHaveLength(1)
    expect(store.lines.info).toHaveLength(1)
    expect(store.lines.info[0]).toContain('answers again')
    // What was done meanwhile reaches Redis: a second instance sees it.
    await store.flush()
    const other = open(redis, { prefix: `t${prefixes}:`, now: () => NOW })
    const [row] = await other.usage({ sinceMs: 0, groupBy: 'client' })
    expect(row).toMatchObject({ key: 'team', requests: 1, costUsd: 0.4 })
    expect(await other.reserveAttempt('a:y', {}, NOW)).toMatchObject({ isAdmitted: false, isCoolingDown: true })
    // The restarted server kept nothing (no persistence): it holds the one attempt admitted meanwhile.
    expect(await other.reserveAttempt('a:x', limits, NOW + 3)).toEqual({ isAdmitted: true })
    expect(await other.reserveAttempt('a:x', limits, NOW + 4)).toMatchObject({ isAdmitted: false })
    expect(other.spendOf('team', NOW).dayUsd).toBeCloseTo(0.4, 12)
  })

  test('"closed" refuses what gates a request with 503 until Redis is back', async () => {
    const redis = await server()
    const store = open(redis, { failure: 'closed' })
    expect(await store.reserveAttempt('a:x', {}, NOW)).toEqual({ isAdmitted: true })
    await redis.stop()
    await waitFor(() => store.health === 'down')
    for (const call of [
      () => store.reserveAttempt('a:x', {}, NOW),
      () => store.reserveClientRequest('team', { maxPerMinute: 5 }, NOW),
      () => store.reserveSpend('team', { dailyUsd: 5 }, NOW),
    ]) {
      const error = await call().catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(GatewayError)
      expect(error).toMatchObject({ kind: 'unavailable', status: 503 })
    }
    // What gates nothing never throws.
    await store.setCooldown('a:x', NOW + 1000)
    await store.settleSpend('team', 1, NOW)
    store.recordRequest(record())
    expect(store.lines.warn).toHaveLength(1)
    expect(store.lines.warn[0]).toContain('refusing requests')

    await redis.restart()
    await waitFor(() => store.health === 'ok')
    expect(await store.reserveAttempt('a:z', {}, NOW)).toEqual({ isAdmitted: true })
  })

  test('no call hangs on a server that answers nothing', async () => {
    const redis = await server()
    const store = open(redis, { commandTimeoutMs: 200 })
    await store.reserveAttempt('a:x', {}, NOW)
    redis.freeze()
    try {
      const took = await Promise.all([
        timed(() => store.reserveAttempt('a:x', { maxPerMinute: 5 }, NOW)),
        timed(() => store.reserveClientRequest('team', { maxPerMinute: 5 }, NOW)),
        timed(() => store.reserveSpend('team', { dailyUsd: 5 }, NOW)),
        timed(() => store.settleSpend('team', 1, NOW)),
        timed(() => store.setCooldown('a:x', NOW + 1000)),
        timed(() => store.usage({ sinceMs: 0, groupBy: 'day' })),
        timed(() => store.flush()),
      ])
      for (const ms of took) expect(ms).toBeLessThan(1000)
      expect(store.health).toBe('degraded')
      // Down: answered at once from local state.
      expect(await timed(() => store.reserveAttempt('a:x', { maxPerMinute: 5 }, NOW + 1))).toBeLessThan(50)
    } finally {
      redis.thaw()
    }
    await waitFor(() => store.health === 'ok')
    expect(store.lines.warn).toHaveLength(1)
  })

  test('a store opened while Redis is down serves locally and connects when it comes up', async () => {
    const redis = await server()
    await redis.kill9()
    const store = open(redis)
    expect(await store.reserveAttempt('a:x', { maxPerMinute: 1 }, NOW)).toEqual({ isAdmitted: true })
    expect(store.health).toBe('degraded')
    expect(store.lines.warn).toHaveLength(1)
    await redis.restart()
    await waitFor(() => store.health === 'ok')
    await store.flush()
    const other = open(redis, { prefix: `t${prefixes}:` })
    expect(await other.reserveAttempt('a:x', { maxPerMinute: 1 }, NOW + 1)).toMatchObject({ isAdmitted: false })
  })
})

import type { RateLimits } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import { HOUR_MS, keepCountOf, WINDOWS, type WindowUse } from '../limits/rate-window.ts'
import type { Logger } from '../logger.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { RedisKeys } from './redis-keys.ts'
import { RedisLink, RedisUnreachable } from './redis-link.ts'
import { APPEND_REQUESTS, RECORD, RESERVE, runScript, SET_COOLDOWN, SETTLE_SPEND, type RedisScript } from './redis-scripts.ts'
import { loadSnapshot, mergeTimes } from './redis-snapshot.ts'
import { parseRedisUrl } from './redis-url.ts'
import { SpendTotals } from './spend-totals.ts'
import { budgetCheckOf, StateMirror } from './state-mirror.ts'
import {
  ADMITTED,
  type BudgetCheck,
  type Budgets,
  type RequestRecord,
  type Reservation,
  type Spend,
  type Store,
  type StoreHealth,
  type UsageQuery,
  type UsageRow,
} from './store.ts'
import { summarizeUsage } from './summarize-usage.ts'

export interface RedisStoreOptions {
  /** store_failure (SPEC §12): "open" serves on local state while Redis is away, "closed" refuses requests. */
  failure: 'open' | 'closed'
  /** Where the outage warning (once per outage) and the recovery line go (default: stderr). */
  log?: Pick<Logger, 'warn' | 'info'>
  /** Prefix of every key (default "llmux:"): several gateways can share one Redis database apart. */
  keyPrefix?: string
  /** Bound on every command (default 1000 ms). */
  commandTimeoutMs?: number
  /** Bound on a connection attempt (default 2000 ms). */
  connectTimeoutMs?: number
  /**
   * Writes kept while Redis is away, per kind (request records; attempts, cooldowns and spend), the
   * oldest dropped past it (default 10,000).
   */
  maxQueued?: number
  /** The request stream keeps about this many records (default 1,000,000). */
  maxLogEntries?: number
  /** This instance's clock, for the current day of spend totals and key lifetimes (default Date.now). */
  now?: () => number
}

interface ScriptCall {
  script: RedisScript
  keys: string[]
  args: string[]
}

const CLOSED_MESSAGE = 'the shared store (redis) is unreachable; store_failure = "closed" refuses requests until it is back'
const DAY_TTL_MS = 3 * 24 * HOUR_MS
const MONTH_TTL_MS = 40 * 24 * HOUR_MS
const BATCH = 500

/**
 * `store = "redis://…"` (SPEC §12): windows, cooldowns, client limits, spend and the request log live
 * in Redis, so several instances share them. Each reservation is one Lua script on the server (check
 * and count in one atomic step). Time comes from each instance's clock: windows are a minute or more
 * and NTP keeps hosts within milliseconds, so a skew moves a window edge by that much, never a count.
 *
 * `routing` is a local snapshot: loaded at connection, added to by this instance's admitted attempts,
 * refreshed from Redis for a backend whenever a reservation is refused (the refusal brings that
 * backend's times and cooldown). The same StateMirror is what "open" serves on while Redis is away;
 * writes made meanwhile (attempts, cooldowns, spend, request records) are queued, bounded, and written
 * when Redis answers again.
 */
export class RedisStore implements Store {
  private readonly state = new StateMirror()
  private readonly spend = new SpendTotals()
  private readonly keys: RedisKeys
  private readonly link: RedisLink
  private readonly failure: 'open' | 'closed'
  private readonly log: Pick<Logger, 'warn' | 'info'>
  private readonly label: string
  private readonly now: () => number
  private readonly maxQueued: number
  private readonly maxLogEntries: string
  private readonly memberTag = crypto.randomUUID().slice(0, 8)
  private sequence = 0
  private writes: ScriptCall[] = []
  private requests: RequestRecord[] = []
  private droppedCount = 0
  private draining: Promise<void> | undefined
  private isDrainScheduled = false
  readonly routing: RoutingState = this.state.routing

  constructor(url: string, options: RedisStoreOptions) {
    this.label = parseRedisUrl(url).label
    this.failure = options.failure
    this.log = options.log ?? { warn: (line) => console.error(`llmux: ${line}`), info: (line) => console.error(`llmux: ${line}`) }
    this.keys = new RedisKeys(options.keyPrefix ?? 'llmux:')
    this.now = options.now ?? Date.now
    this.maxQueued = options.maxQueued ?? 10_000
    this.maxLogEntries = String(options.maxLogEntries ?? 1_000_000)
    this.link = new RedisLink(url, {
      commandTimeoutMs: options.commandTimeoutMs ?? 1000,
      connectTimeoutMs: options.connectTimeoutMs ?? 2000,
      onConnect: (send) => loadSnapshot(send, this.keys, this.state, this.spend),
      onDown: (reason) => this.log.warn(this.outageLine(reason)),
      onUp: (wasDown) => this.resumed(wasDown),
    })
  }

  get health(): StoreHealth {
    if (this.link.phase !== 'down') return 'ok'
    return this.failure === 'open' ? 'degraded' : 'down'
  }

  /** Settles once the first connection attempt has succeeded or failed (operations wait for it themselves). */
  get ready(): Promise<void> {
    return this.link.ready
  }

  async reserveAttempt(backendId: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    const keys = [this.keys.attempts(backendId), this.keys.cooldown(backendId)]
    const reply = await this.shared(() => runScript(this.link.send, RESERVE, keys, this.reserveArgs(limits, nowMs)))
    if (reply === undefined) return this.localAttempt(backendId, limits, nowMs)
    const { reservation, times, cooldownUntilMs } = reservationOf(reply, limits, nowMs)
    const keep = keepCountOf(limits)
    if (reservation.isAdmitted) this.state.attempts.record(backendId, nowMs, keep)
    else mergeTimes(this.state.attempts, backendId, times, keep)
    if (cooldownUntilMs !== undefined) this.state.setCooldown(backendId, cooldownUntilMs)
    return reservation
  }

  async setCooldown(backendId: string, untilMs: number): Promise<void> {
    this.state.setCooldown(backendId, untilMs)
    // The key outlives the deadline by an hour (by this instance's clock), so nothing stale stays behind.
    const ttlMs = Math.max(untilMs - this.now(), 0) + HOUR_MS
    const call = { script: SET_COOLDOWN, keys: [this.keys.cooldown(backendId)], args: [String(untilMs), String(ttlMs)] }
    const reply = await this.shared(() => runScript(this.link.send, call.script, call.keys, call.args), false)
    if (reply === undefined) this.queue(call)
    else this.state.setCooldown(backendId, Number(reply))
  }

  async reserveClientRequest(client: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    const keys = [this.keys.client(client)]
    const reply = await this.shared(() => runScript(this.link.send, RESERVE, keys, this.reserveArgs(limits, nowMs)))
    if (reply === undefined) return this.localClientRequest(client, limits, nowMs)
    const { reservation, times } = reservationOf(reply, limits, nowMs)
    const keep = keepCountOf(limits)
    if (reservation.isAdmitted) this.state.clientRequests.record(client, nowMs, keep)
    else mergeTimes(this.state.clientRequests, client, times, keep)
    return reservation
  }

  async reserveSpend(client: string, budgets: Budgets, nowMs: number): Promise<BudgetCheck> {
    if (budgets.dailyUsd === undefined && budgets.monthlyUsd === undefined) return { isAdmitted: true }
    const keys = [this.keys.spendDay(client, nowMs), this.keys.spendMonth(client, nowMs)]
    const reply = await this.shared(() => this.link.send('MGET', keys))
    if (reply !== undefined) {
      const [dayUsd, monthUsd] = totalsOf(reply)
      this.spend.set(client, nowMs, dayUsd, monthUsd)
    }
    return budgetCheckOf(this.spend.of(client, nowMs), budgets, nowMs)
  }

  async settleSpend(client: string, costUsd: number, nowMs: number): Promise<void> {
    // Redis would refuse NaN or Infinity as an INCRBYFLOAT argument: nothing to add, nothing to send.
    if (costUsd === 0 || !Number.isFinite(costUsd)) return
    const call = {
      script: SETTLE_SPEND,
      keys: [this.keys.spendDay(client, nowMs), this.keys.spendMonth(client, nowMs)],
      args: [String(costUsd), String(DAY_TTL_MS), String(MONTH_TTL_MS)],
    }
    const reply = await this.shared(() => runScript(this.link.send, call.script, call.keys, call.args), false)
    if (reply === undefined) {
      this.spend.add(client, costUsd, nowMs)
      this.queue(call)
      return
    }
    const [dayUsd, monthUsd] = totalsOf(reply)
    this.spend.set(client, nowMs, dayUsd, monthUsd)
  }

  /** Read from Redis, so a session that moved on another instance is followed here too; local while it is away. */
  async affinityOf(session: string, nowMs: number): Promise<string | undefined> {
    const reply = await this.shared(() => this.link.send('GET', [this.keys.affinity(session)]), false)
    if (reply === undefined) return this.state.affinity.get(session, nowMs)
    return typeof reply === 'string' ? reply : undefined
  }

  async rememberAffinity(session: string, backendId: string, nowMs: number, ttlMs: number): Promise<void> {
    this.state.affinity.set(session, backendId, nowMs + ttlMs)
    // Redis expires it by its own clock: a TTL, not a deadline, so clock skew does not matter here.
    await this.shared(() => this.link.send('SET', [this.keys.affinity(session), backendId, 'PX', String(Math.max(1, Math.round(ttlMs)))]), false)
  }

  /** A miss while Redis is away: nothing is cached locally. */
  async cachedAnswer(key: string, _nowMs: number): Promise<string | undefined> {
    const reply = await this.shared(() => this.link.send('GET', [this.keys.answer(key)]), false)
    return typeof reply === 'string' ? reply : undefined
  }

  /** Redis expires it by its own clock (a TTL) and bounds memory itself; `maxEntries` is not counted here. */
  async cacheAnswer(key: string, value: string, _nowMs: number, ttlMs: number, _maxEntries: number): Promise<void> {
    await this.shared(() => this.link.send('SET', [this.keys.answer(key), value, 'PX', String(Math.max(1, Math.round(ttlMs)))]), false)
  }

  spendOf(client: string, nowMs: number): Spend {
    return this.spend.of(client, nowMs)
  }

  /** Appended in batches, after the request, never waited on; kept (bounded) while Redis is away. */
  recordRequest(record: RequestRecord): void {
    this.requests.push(record)
    this.bound(this.requests)
    if (this.isDrainScheduled || !this.link.isUp) return
    this.isDrainScheduled = true
    setImmediate(() => {
      this.isDrainScheduled = false
      void this.drain()
    })
  }

  async usage(query: UsageQuery): Promise<UsageRow[]> {
    await this.link.ready
    await this.drain()
    if (!this.link.isUp) throw new GatewayError('unavailable', `the shared store (redis at ${this.label}) is unreachable: usage cannot be read`)
    const records: RequestRecord[] = []
    // Ids are "<ms>-<seq>" with ms never before the record's time (APPEND_REQUESTS).
    let start = String(Math.max(0, Math.floor(query.sinceMs)))
    for (;;) {
      const reply = await this.sharedRead(() => this.link.send('XRANGE', [this.keys.requests, start, '+', 'COUNT', String(BATCH)]))
      const entries = Array.isArray(reply) ? reply : []
      for (const entry of entries) {
        const record = recordOf(entry)
        if (record !== undefined) records.push(record)
      }
      if (entries.length < BATCH) break
      start = `(${String(entries[entries.length - 1][0])}`
    }
    return summarizeUsage(records, query)
  }

  /** Waits until what is queued is written (when Redis answers; otherwise it stays queued). */
  async flush(): Promise<void> {
    await this.link.ready
    await this.drain()
  }

  async close(): Promise<void> {
    await this.flush()
    this.link.close()
  }

  /**
   * Runs a command while Redis is up. undefined means "serve locally": Redis is away and either the
   * store fails open or the operation gates nothing (`isGate` false). Failing closed, a gate throws.
   */
  private async shared(run: () => Promise<unknown>, isGate = true): Promise<unknown> {
    await this.link.ready
    if (this.link.isUp) {
      try {
        return await run()
      } catch (error) {
        if (!(error instanceof RedisUnreachable)) throw error
      }
    }
    if (isGate && this.failure === 'closed') throw new GatewayError('unavailable', CLOSED_MESSAGE)
    return undefined
  }

  private async sharedRead(run: () => Promise<unknown>): Promise<unknown> {
    try {
      return await run()
    } catch (error) {
      if (!(error instanceof RedisUnreachable)) throw error
      throw new GatewayError('unavailable', `the shared store (redis at ${this.label}) stopped answering: ${error.message}`)
    }
  }

  private localAttempt(backendId: string, limits: RateLimits, nowMs: number): Reservation {
    const { reservation, isCounted } = this.state.reserveAttempt(backendId, limits, nowMs)
    if (isCounted) this.queue({ script: RECORD, keys: [this.keys.attempts(backendId)], args: this.recordArgs(limits, nowMs) })
    return reservation
  }

  private localClientRequest(client: string, limits: RateLimits, nowMs: number): Reservation {
    const { reservation, isCounted } = this.state.reserveClientRequest(client, limits, nowMs)
    if (isCounted) this.queue({ script: RECORD, keys: [this.keys.client(client)], args: this.recordArgs(limits, nowMs) })
    return reservation
  }

  /** now, member, trim bound, ttl, then (window index, limit, "(" + start) for each window with a limit. */
  private reserveArgs(limits: RateLimits, nowMs: number): string[] {
    const args = this.recordArgs(limits, nowMs)
    WINDOWS.forEach((window, index) => {
      const limit = limits[window.limit]
      if (limit !== undefined) args.push(String(index), String(limit), `(${nowMs - window.windowMs}`)
    })
    return args
  }

  private recordArgs(limits: RateLimits, nowMs: number): string[] {
    const largestMs = largestWindowMs(limits)
    return [String(nowMs), `${nowMs}:${this.memberTag}:${++this.sequence}`, String(nowMs - largestMs), String(Math.max(largestMs, 1))]
  }

  private queue(call: ScriptCall): void {
    this.writes.push(call)
    this.bound(this.writes)
    if (this.link.isUp) void this.drain()
  }

  private bound(queue: unknown[]): void {
    if (queue.length <= this.maxQueued) return
    const excess = queue.length - this.maxQueued
    queue.splice(0, excess)
    this.droppedCount += excess
  }

  /** Writes what is queued, in order, while Redis answers; never rejects. */
  private drain(): Promise<void> {
    this.draining ??= this.writeQueued().finally(() => {
      this.draining = undefined
    })
    return this.draining
  }

  private async writeQueued(): Promise<void> {
    while (this.link.isUp && (this.writes.length > 0 || this.requests.length > 0)) {
      const writes = this.writes.splice(0, BATCH)
      const records = this.requests.splice(0, BATCH)
      try {
        await Promise.all(writes.map((call) => runScript(this.link.send, call.script, call.keys, call.args)))
        if (records.length > 0) await runScript(this.link.send, APPEND_REQUESTS, [this.keys.requests], this.appendArgs(records))
      } catch {
        // Redis went away mid-way (the link said so once): keep them for when it is back. A write that
        // reached Redis before its answer was lost may be written twice.
        this.writes.unshift(...writes)
        this.requests.unshift(...records)
        this.bound(this.writes)
        this.bound(this.requests)
        return
      }
    }
  }

  private appendArgs(records: RequestRecord[]): string[] {
    const args = [this.maxLogEntries]
    for (const record of records) args.push(String(Math.floor(record.timeMs)), JSON.stringify(record))
    return args
  }

  private outageLine(reason: string): string {
    const then = this.failure === 'open' ? 'serving on local state (store_failure = "open")' : 'refusing requests (store_failure = "closed")'
    return `redis store ${this.label} is unreachable (${reason}): ${then} until it answers again`
  }

  private resumed(wasDown: boolean): void {
    if (wasDown) {
      const dropped = this.droppedCount > 0 ? `; ${this.droppedCount} writes made meanwhile did not fit the local queue and were dropped` : ''
      this.log.info(`redis store ${this.label} answers again: shared windows, cooldowns, budgets and usage resumed${dropped}`)
    }
    this.droppedCount = 0
    void this.drain()
  }
}

function largestWindowMs(limits: RateLimits): number {
  let largest = 0
  for (const window of WINDOWS) if (limits[window.limit] !== undefined) largest = Math.max(largest, window.windowMs)
  return largest
}

/** Reads RESERVE's reply (see redis-scripts.ts) into a Reservation, the stored times and the cooldown in force. */
function reservationOf(
  reply: unknown,
  limits: RateLimits,
  nowMs: number,
): { reservation: Reservation; times: number[]; cooldownUntilMs?: number } {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error('unexpected reply from the reserve script')
  if (Number(reply[0]) === 1) return { reservation: ADMITTED, times: [] }
  const cooldownUntilMs = reply[1] === '' ? undefined : Number(reply[1])
  const fullCount = Number(reply[2])
  const full: WindowUse[] = []
  for (let i = 0; i < fullCount; i++) {
    const window = WINDOWS[Number(reply[3 + 3 * i])]
    const limit = limits[window.limit] ?? 0
    const freeing = String(reply[5 + 3 * i])
    const freesInMs = freeing === '' ? Infinity : Number(freeing) + window.windowMs - nowMs
    full.push({ name: window.name, limit, count: Number(reply[4 + 3 * i]), freesInMs })
  }
  const times = reply.slice(3 + 3 * fullCount).map(Number)
  const coolingMs = cooldownUntilMs === undefined ? 0 : cooldownUntilMs - nowMs
  const freesInMs = Math.max(coolingMs, ...full.map((use) => use.freesInMs))
  return { reservation: { isAdmitted: false, freesInMs, full, isCoolingDown: coolingMs > 0 }, times, cooldownUntilMs }
}

/** Two totals (day, month): strings from Redis, null when nothing was spent yet. */
function totalsOf(reply: unknown): [number, number] {
  if (!Array.isArray(reply)) throw new Error('unexpected spend reply')
  return [Number(reply[0] ?? 0), Number(reply[1] ?? 0)]
}

/** One stream entry [id, [field, json, …]] back into a record; anything else is skipped. */
function recordOf(entry: unknown): RequestRecord | undefined {
  if (!Array.isArray(entry) || !Array.isArray(entry[1])) return undefined
  const fields: unknown[] = entry[1]
  const json = fields[fields.indexOf('r') + 1]
  if (typeof json !== 'string') return undefined
  const record: unknown = JSON.parse(json)
  if (typeof record !== 'object' || record === null || typeof (record as { timeMs?: unknown }).timeMs !== 'number') return undefined
  return record as RequestRecord
}

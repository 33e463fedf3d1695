import type { RateLimits } from '../config/config.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { AnswerMap } from './answer-map.ts'
import { StateMirror } from './state-mirror.ts'
import type { BudgetCheck, Budgets, RequestRecord, Reservation, Spend, Store, StoreHealth, UsageQuery, UsageRow } from './store.ts'
import { summarizeUsage } from './summarize-usage.ts'

export interface MemoryStoreOptions {
  /** The request log keeps at least this many of the newest records (default 10,000), so memory stays flat. */
  maxLogEntries?: number
}

/** `store = "memory"`: everything lives in this process and is gone on restart. */
export class MemoryStore implements Store {
  private readonly state = new StateMirror()
  private readonly log: RequestRecord[] = []
  private readonly answers = new AnswerMap()
  private readonly maxLogEntries: number
  readonly routing: RoutingState = this.state.routing
  readonly health: StoreHealth = 'ok'

  constructor(options: MemoryStoreOptions = {}) {
    this.maxLogEntries = options.maxLogEntries ?? 10_000
  }

  async reserveAttempt(backendId: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    return this.state.reserveAttempt(backendId, limits, nowMs).reservation
  }

  async setCooldown(backendId: string, untilMs: number): Promise<void> {
    this.state.setCooldown(backendId, untilMs)
  }

  async reserveClientRequest(client: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    return this.state.reserveClientRequest(client, limits, nowMs).reservation
  }

  async reserveSpend(client: string, budgets: Budgets, nowMs: number): Promise<BudgetCheck> {
    return this.state.checkBudget(client, budgets, nowMs)
  }

  async settleSpend(client: string, costUsd: number, nowMs: number): Promise<void> {
    this.state.spend.add(client, costUsd, nowMs)
  }

  async affinityOf(session: string, nowMs: number): Promise<string | undefined> {
    return this.state.affinity.get(session, nowMs)
  }

  async rememberAffinity(session: string, backendId: string, nowMs: number, ttlMs: number): Promise<void> {
    this.state.affinity.set(session, backendId, nowMs + ttlMs)
  }

  async cachedAnswer(key: string, nowMs: number): Promise<string | undefined> {
    return this.answers.get(key, nowMs)
  }

  async cacheAnswer(key: string, value: string, nowMs: number, ttlMs: number, maxEntries: number): Promise<void> {
    this.answers.set(key, value, nowMs + ttlMs, maxEntries)
  }

  spendOf(client: string, nowMs: number): Spend {
    return this.state.spend.of(client, nowMs)
  }

  recordRequest(record: RequestRecord): void {
    this.log.push(record)
    // Trimmed in bursts (at twice the size) so a record stays amortised O(1).
    if (this.log.length > 2 * this.maxLogEntries) this.log.splice(0, this.log.length - this.maxLogEntries)
  }

  async usage(query: UsageQuery): Promise<UsageRow[]> {
    return summarizeUsage(this.log, query)
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

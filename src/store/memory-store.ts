import type { RateLimits } from '../config/config.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { StateMirror } from './state-mirror.ts'
import type { RequestRecord, Spend, Store, UsageQuery, UsageRow } from './store.ts'
import { summarizeUsage } from './summarize-usage.ts'

export interface MemoryStoreOptions {
  /** The request log keeps at least this many of the newest records (default 10,000), so memory stays flat. */
  maxLogEntries?: number
}

/** `store = "memory"`: everything lives in this process and is gone on restart. */
export class MemoryStore implements Store {
  private readonly state = new StateMirror()
  private readonly log: RequestRecord[] = []
  private readonly maxLogEntries: number
  readonly routing: RoutingState = this.state.routing

  constructor(options: MemoryStoreOptions = {}) {
    this.maxLogEntries = options.maxLogEntries ?? 10_000
  }

  recordAttempt(backendId: string, nowMs: number, limits: RateLimits): void {
    this.state.recordAttempt(backendId, nowMs, limits)
  }

  setCooldown(backendId: string, untilMs: number): void {
    this.state.cooldowns.set(backendId, untilMs)
  }

  clientRequests(client: string): readonly number[] {
    return this.state.clientRequests.of(client)
  }

  recordClientRequest(client: string, nowMs: number, limits: RateLimits): void {
    this.state.recordClientRequest(client, nowMs, limits)
  }

  spendOf(client: string, nowMs: number): Spend {
    return this.state.spend.of(client, nowMs)
  }

  addSpend(client: string, costUsd: number, nowMs: number): void {
    this.state.spend.add(client, costUsd, nowMs)
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

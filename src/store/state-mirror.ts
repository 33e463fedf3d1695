import type { RateLimits } from '../config/config.ts'
import { keepCountOf } from '../routing/rate-window.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { SpendLedger } from './spend-ledger.ts'
import { TimeLog } from './time-log.ts'

/**
 * The in-memory state every store reads from on the hot path: attempt and client-request times,
 * cooldowns and spend. The memory store is just this; the SQLite store loads it at open and writes
 * each change through.
 */
export class StateMirror {
  readonly attempts = new TimeLog()
  readonly clientRequests = new TimeLog()
  readonly cooldowns = new Map<string, number>()
  readonly spend = new SpendLedger()
  readonly routing: RoutingState = { attempts: this.attempts.view, cooldowns: this.cooldowns }

  /** Returns false when the limits need no history (nothing was kept). */
  recordAttempt(backendId: string, nowMs: number, limits: RateLimits): boolean {
    return this.attempts.record(backendId, nowMs, keepCountOf(limits))
  }

  recordClientRequest(client: string, nowMs: number, limits: RateLimits): boolean {
    return this.clientRequests.record(client, nowMs, keepCountOf(limits))
  }
}

import type { RateLimits } from '../config/config.ts'
import { keepCountOf, windowsFull } from '../limits/rate-window.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { nextUtcDayMs, nextUtcMonthMs, SpendLedger } from './spend-ledger.ts'
import { ADMITTED, type BudgetCheck, type Budgets, type Reservation } from './store.ts'
import { TimeLog } from './time-log.ts'
import { AffinityMap } from './affinity-map.ts'

/**
 * The state of one process: attempt and client-request times, cooldowns and spend, and the
 * reservations over them. The memory store is just this; the SQLite store loads it at open and writes
 * each change through; the Redis store keeps it as its routing snapshot and as the local state it
 * serves on when Redis cannot be reached.
 */
export class StateMirror {
  readonly attempts = new TimeLog()
  readonly clientRequests = new TimeLog()
  readonly cooldowns = new Map<string, number>()
  readonly spend = new SpendLedger()
  readonly affinity = new AffinityMap()
  readonly routing: RoutingState = { attempts: this.attempts.view, cooldowns: this.cooldowns }

  /** `isCounted`: the attempt was kept (limits that need no history keep nothing). */
  reserveAttempt(backendId: string, limits: RateLimits, nowMs: number): { reservation: Reservation; isCounted: boolean } {
    const coolingUntilMs = this.cooldowns.get(backendId) ?? 0
    const full = windowsFull(limits, this.attempts.of(backendId), nowMs)
    if (coolingUntilMs > nowMs || full.length > 0) {
      const freesInMs = Math.max(coolingUntilMs - nowMs, ...full.map((use) => use.freesInMs))
      return { reservation: { isAdmitted: false, freesInMs, full, isCoolingDown: coolingUntilMs > nowMs }, isCounted: false }
    }
    return { reservation: ADMITTED, isCounted: this.attempts.record(backendId, nowMs, keepCountOf(limits)) }
  }

  reserveClientRequest(client: string, limits: RateLimits, nowMs: number): { reservation: Reservation; isCounted: boolean } {
    const full = windowsFull(limits, this.clientRequests.of(client), nowMs)
    if (full.length > 0) {
      return { reservation: { isAdmitted: false, freesInMs: Math.max(...full.map((use) => use.freesInMs)), full, isCoolingDown: false }, isCounted: false }
    }
    return { reservation: ADMITTED, isCounted: this.clientRequests.record(client, nowMs, keepCountOf(limits)) }
  }

  /** A later deadline is never replaced by an earlier one. Returns whether anything changed. */
  setCooldown(backendId: string, untilMs: number): boolean {
    if ((this.cooldowns.get(backendId) ?? 0) >= untilMs) return false
    this.cooldowns.set(backendId, untilMs)
    return true
  }

  checkBudget(client: string, budgets: Budgets, nowMs: number): BudgetCheck {
    return budgetCheckOf(this.spend.of(client, nowMs), budgets, nowMs)
  }
}

/** The budget a spend has reached, if any (daily first: it resets sooner). */
export function budgetCheckOf(spend: { dayUsd: number; monthUsd: number }, budgets: Budgets, nowMs: number): BudgetCheck {
  if (budgets.dailyUsd !== undefined && spend.dayUsd >= budgets.dailyUsd) {
    return { isAdmitted: false, period: 'daily', budgetUsd: budgets.dailyUsd, resetsAtMs: nextUtcDayMs(nowMs) }
  }
  if (budgets.monthlyUsd !== undefined && spend.monthUsd >= budgets.monthlyUsd) {
    return { isAdmitted: false, period: 'monthly', budgetUsd: budgets.monthlyUsd, resetsAtMs: nextUtcMonthMs(nowMs) }
  }
  return { isAdmitted: true }
}

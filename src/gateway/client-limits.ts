import type { ClientToken } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import { windowsFull } from '../routing/rate-window.ts'
import { nextUtcDayMs, nextUtcMonthMs } from '../store/spend-ledger.ts'
import type { Store } from '../store/store.ts'

/**
 * Per-client budgets and rate limits from `[tokens.NAME]` (SPEC §8), checked before anything goes
 * upstream. A spent budget is final until it resets (x-should-retry: false); a full window is a plain 429.
 * Passing clients have this request counted in their windows.
 */
export function admitClient(store: Store, client: ClientToken, nowMs: number): void {
  const spend = client.dailyBudget !== undefined || client.monthlyBudget !== undefined ? store.spendOf(client.name, nowMs) : undefined
  if (spend && client.dailyBudget !== undefined && spend.dayUsd >= client.dailyBudget) {
    throw budgetReached(client.name, 'daily', client.dailyBudget, nextUtcDayMs(nowMs), nowMs)
  }
  if (spend && client.monthlyBudget !== undefined && spend.monthUsd >= client.monthlyBudget) {
    throw budgetReached(client.name, 'monthly', client.monthlyBudget, nextUtcMonthMs(nowMs), nowMs)
  }
  const limits = { maxPerMinute: client.maxPerMinute, maxPerHour: client.maxPerHour }
  if (limits.maxPerMinute === undefined && limits.maxPerHour === undefined) return
  const full = windowsFull(limits, store.clientRequests(client.name), nowMs)
  if (full.length > 0) {
    const waitMs = Math.max(...full.map((use) => use.freesInMs))
    const names = full.map((use) => `${use.name} (${use.count}/${use.limit})`).join(', ')
    throw new GatewayError('rate_limited', `client "${client.name}" reached ${names}; try again in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs })
  }
  store.recordClientRequest(client.name, nowMs, limits)
}

function budgetReached(name: string, period: 'daily' | 'monthly', budgetUsd: number, resetMs: number, nowMs: number): GatewayError {
  return new GatewayError(
    'billing',
    `client "${name}" reached its ${period} budget of $${budgetUsd}; it resets at ${new Date(resetMs).toISOString()}`,
    { retryAfterMs: resetMs - nowMs, isFinal: true },
  )
}

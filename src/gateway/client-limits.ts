import type { ClientToken } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { Store } from '../store/store.ts'

/**
 * Per-client budgets and rate limits from `[tokens.NAME]` (SPEC §8), checked before anything goes
 * upstream, on the store's totals (shared by every instance on a shared store). A spent budget is final
 * until it resets (x-should-retry: false); a full window is a plain 429. A passing request is counted
 * in the client's windows in the same step that checks them.
 */
export async function admitClient(store: Store, client: ClientToken, nowMs: number): Promise<void> {
  if (client.dailyBudget !== undefined || client.monthlyBudget !== undefined) {
    const check = await store.reserveSpend(client.name, { dailyUsd: client.dailyBudget, monthlyUsd: client.monthlyBudget }, nowMs)
    if (!check.isAdmitted) throw budgetReached(client.name, check.period, check.budgetUsd, check.resetsAtMs, nowMs)
  }
  const limits = { maxPerMinute: client.maxPerMinute, maxPerHour: client.maxPerHour }
  if (limits.maxPerMinute === undefined && limits.maxPerHour === undefined) return
  const reservation = await store.reserveClientRequest(client.name, limits, nowMs)
  if (reservation.isAdmitted) return
  const names = reservation.full.map((use) => `${use.name} (${use.count}/${use.limit})`).join(', ')
  const waitMs = reservation.freesInMs
  throw new GatewayError('rate_limited', `client "${client.name}" reached ${names}; try again in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs })
}

function budgetReached(name: string, period: 'daily' | 'monthly', budgetUsd: number, resetMs: number, nowMs: number): GatewayError {
  return new GatewayError(
    'billing',
    `client "${name}" reached its ${period} budget of $${budgetUsd}; it resets at ${new Date(resetMs).toISOString()}`,
    { retryAfterMs: resetMs - nowMs, isFinal: true },
  )
}

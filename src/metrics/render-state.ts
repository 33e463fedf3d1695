import type { BackendConfig, ClientToken } from '../config/config.ts'
import { isCoolingDown } from '../routing/cooldowns.ts'
import { windowsFull } from '../limits/rate-window.ts'
import { NO_ATTEMPTS } from '../routing/routing-state.ts'
import type { Store } from '../store/store.ts'
import { labelsOf } from './histogram.ts'

export type BackendState = 'ok' | 'cooling' | 'window_full' | 'disabled'

/** Gauges computed at scrape time: each backend's state and each client's budget use. */
export function renderState(backends: readonly BackendConfig[], clients: readonly ClientToken[], store: Store, nowMs: number): string {
  const lines = ['# HELP llmux_store_state 1 for the state the store is in now: ok, degraded (a shared store unreachable, serving on local state) or down.', '# TYPE llmux_store_state gauge']
  for (const name of ['ok', 'degraded', 'down']) lines.push(`llmux_store_state{${labelsOf({ state: name })}} ${name === store.health ? 1 : 0}`)
  lines.push('# HELP llmux_backend_state 1 for the state each backend is in now: ok, cooling, window_full or disabled.', '# TYPE llmux_backend_state gauge')
  for (const backend of backends) {
    const state = stateOf(backend, store, nowMs)
    for (const name of ['ok', 'cooling', 'window_full', 'disabled']) {
      lines.push(`llmux_backend_state{${labelsOf({ backend: backend.id, state: name })}} ${name === state ? 1 : 0}`)
    }
  }
  lines.push('# HELP llmux_client_spend_usd Spend in the current UTC day and month, per client.', '# TYPE llmux_client_spend_usd gauge')
  lines.push('# HELP llmux_client_budget_used_ratio Spend divided by budget (1 = reached), per client and period.', '# TYPE llmux_client_budget_used_ratio gauge')
  for (const client of clients) {
    const spend = store.spendOf(client.name, nowMs)
    lines.push(`llmux_client_spend_usd{${labelsOf({ client: client.name, period: 'day' })}} ${spend.dayUsd}`)
    lines.push(`llmux_client_spend_usd{${labelsOf({ client: client.name, period: 'month' })}} ${spend.monthUsd}`)
    if (client.dailyBudget) lines.push(`llmux_client_budget_used_ratio{${labelsOf({ client: client.name, period: 'day' })}} ${spend.dayUsd / client.dailyBudget}`)
    if (client.monthlyBudget) lines.push(`llmux_client_budget_used_ratio{${labelsOf({ client: client.name, period: 'month' })}} ${spend.monthUsd / client.monthlyBudget}`)
  }
  return lines.join('\n')
}

/** A backend's state now: disabled, cooling (a cooldown), window_full (a rate window at its limit) or ok. */
export function stateOf(backend: BackendConfig, store: Store, nowMs: number): BackendState {
  if (backend.provider.isDisabled) return 'disabled'
  if (isCoolingDown(store.routing.cooldowns, backend.id, nowMs)) return 'cooling'
  const attempts = store.routing.attempts.get(backend.id) ?? NO_ATTEMPTS
  return windowsFull(backend.limits, attempts, nowMs).length > 0 ? 'window_full' : 'ok'
}

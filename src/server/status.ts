import { DAY_MS, windowUses } from '../limits/rate-window.ts'
import { stateOf, type BackendState } from '../metrics/render-state.ts'
import type { Gateway } from '../gateway/gateway.ts'
import { NO_ATTEMPTS } from '../routing/routing-state.ts'
import type { StoreHealth, UsageRow } from '../store/store.ts'

/** GET /status (SPEC §4): what `llmux status` prints and the status page shows. Never a key, token or prompt. */
export interface Status {
  version: string
  uptimeS: number
  store: StoreHealth
  backends: BackendStatus[]
  today: { byBackend: UsageTotals[]; byClient: UsageTotals[] }
  affinity: { hit: number; moved: number; new: number }
  recent: RecentStatus[]
}

export interface BackendStatus {
  id: string
  provider: string
  state: BackendState
  /** ISO time the cooldown ends, while cooling. */
  coolingUntil?: string
  windows: { name: string; count: number; limit: number }[]
}

export interface UsageTotals {
  /** The backend id or client name; "-" for none. */
  key: string
  requests: number
  errors: number
  inputTokens: number
  outputTokens: number
  costUsd: number
}

export interface RecentStatus {
  time: string
  client?: string
  protocol: string
  model: string
  backend?: string
  status: number
  ms: number
  inputTokens?: number
  outputTokens?: number
  costUsd?: number
}

/** Today's usage as the store totals it, grouped both ways. */
export interface TodayUsage {
  byBackend: UsageRow[]
  byClient: UsageRow[]
}

/** Midnight UTC of the day `nowMs` falls in. */
export const startOfUtcDay = (nowMs: number): number => nowMs - (nowMs % DAY_MS)

/** Builds the status from the gateway's state now and today's usage (pure: time comes in). */
export function statusOf(gateway: Gateway, today: TodayUsage, version: string, startedAtMs: number, nowMs: number): Status {
  const { store, metrics } = gateway
  return {
    version,
    uptimeS: Math.max(0, Math.round((nowMs - startedAtMs) / 1000)),
    store: store.health,
    backends: gateway.backends.map((backend) => {
      const state = stateOf(backend, store, nowMs)
      const until = store.routing.cooldowns.get(backend.id)
      const attempts = store.routing.attempts.get(backend.id) ?? NO_ATTEMPTS
      return {
        id: backend.id,
        provider: backend.provider.name,
        state,
        ...(state === 'cooling' && until !== undefined && { coolingUntil: new Date(until).toISOString() }),
        windows: windowUses(backend.limits, attempts, nowMs).map(({ name, count, limit }) => ({ name, count, limit })),
      }
    }),
    today: { byBackend: today.byBackend.map(totalsOf), byClient: today.byClient.map(totalsOf) },
    affinity: { ...metrics.affinityCounts },
    recent: metrics.recent.list().map((request) => ({
      time: new Date(request.timeMs).toISOString(),
      client: request.client,
      protocol: request.protocol,
      model: request.requestedModel,
      backend: request.backend,
      status: request.status,
      ms: Math.round(request.totalMs),
      inputTokens: request.inputTokens,
      outputTokens: request.outputTokens,
      costUsd: request.costUsd,
    })),
  }
}

function totalsOf(row: UsageRow): UsageTotals {
  return { key: row.key, requests: row.requests, errors: row.errors, inputTokens: row.inputTokens, outputTokens: row.outputTokens, costUsd: row.costUsd }
}

const WINDOW_UNITS: Record<string, string> = { max_per_minute: 'minute', max_per_hour: 'hour', max_per_5hours: '5 hours', max_per_day: 'day' }

/** A window as people read it: "3 of 10 per minute". */
export const windowLabel = (window: { name: string; count: number; limit: number }): string =>
  `${window.count} of ${window.limit} per ${WINDOW_UNITS[window.name] ?? window.name}`

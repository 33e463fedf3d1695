import type { ProtocolName } from '../protocols/protocol.ts'
import type { RateLimits } from '../config/config.ts'
import type { WindowUse } from '../limits/rate-window.ts'
import type { RoutingState } from '../routing/routing-state.ts'

/**
 * Where llmux keeps what must outlive one request (SPEC §5, §8, §12): attempt times for rate windows,
 * cooldowns, per-client request times and spend, and the request log.
 *
 * A limit is checked and counted in one step, a reservation (never check-then-record), so several
 * instances on one shared store never admit more than it allows. `routing` is this instance's snapshot
 * for the router, which stays pure over it; the reservation is the binding check. Time always comes in
 * as a parameter.
 */
export interface Store {
  /** Read-only views of attempts and cooldowns as this instance knows them, for selectBackends. */
  readonly routing: RoutingState
  /** Checks the backend's cooldown and windows and, when they have room, counts this attempt. */
  reserveAttempt(backendId: string, limits: RateLimits, nowMs: number): Promise<Reservation>
  /** The backend rests until this moment; a later deadline already set is never cut short. */
  setCooldown(backendId: string, untilMs: number): Promise<void>
  /** Checks the client's own windows (max_per_minute / max_per_hour) and counts this request. */
  reserveClientRequest(client: string, limits: RateLimits, nowMs: number): Promise<Reservation>
  /**
   * Admitted while the client's spend, as the store totals it, is under each budget. The real cost is
   * settled after the answer with `settleSpend`; requests already in flight can take a budget past its
   * line by their own cost, never further.
   */
  reserveSpend(client: string, budgets: Budgets, nowMs: number): Promise<BudgetCheck>
  settleSpend(client: string, costUsd: number, nowMs: number): Promise<void>
  /** The backend that served this session last, while its affinity lasts (SPEC §5). */
  affinityOf(session: string, nowMs: number): Promise<string | undefined>
  /** Remembers the session's backend until `nowMs + ttlMs`; shared by every instance on a shared store. */
  rememberAffinity(session: string, backendId: string, nowMs: number, ttlMs: number): Promise<void>
  /** The answer cached under `key` (SPEC §8 answer cache) while it has not expired; undefined for none. */
  cachedAnswer(key: string, nowMs: number): Promise<string | undefined>
  /**
   * Keeps `value` under `key` until `nowMs + ttlMs`. Past `maxEntries` the oldest entries go (memory and
   * SQLite; Redis bounds itself with its TTLs and maxmemory). Losing one is harmless.
   */
  cacheAnswer(key: string, value: string, nowMs: number, ttlMs: number, maxEntries: number): Promise<void>
  /** The client's spend in the current UTC day and month, as this instance last saw it. */
  spendOf(client: string, nowMs: number): Spend
  /** How the store is doing: a shared store that cannot be reached serves on local state or refuses. */
  readonly health: StoreHealth
  recordRequest(record: RequestRecord): void
  /** Totals of the request log since a moment, one row per backend, client or UTC day. */
  usage(query: UsageQuery): Promise<UsageRow[]>
  /** Writes everything still pending. */
  flush(): Promise<void>
  /** Flushes, then releases the store. */
  close(): Promise<void>
}

export type Reservation =
  | { isAdmitted: true }
  /** `freesInMs`: the soonest moment trying again can succeed; `full` names the windows at their limit. */
  | { isAdmitted: false; freesInMs: number; full: readonly WindowUse[]; isCoolingDown: boolean }

export const ADMITTED: Reservation = { isAdmitted: true }

export interface Budgets {
  dailyUsd?: number
  monthlyUsd?: number
}

export type BudgetCheck = { isAdmitted: true } | { isAdmitted: false; period: 'daily' | 'monthly'; budgetUsd: number; resetsAtMs: number }

/** ok; degraded (a shared store is unreachable and store_failure = "open": serving on local state); down ("closed"). */
export type StoreHealth = 'ok' | 'degraded' | 'down'

export interface Spend {
  dayUsd: number
  monthUsd: number
}

/** One request as the log keeps it. Never holds prompt text. */
export interface RequestRecord {
  timeMs: number
  /** The token name; undefined when the gateway has no tokens. */
  client?: string
  protocol: ProtocolName
  requestedModel: string
  /** The backend that answered last; undefined when none was reached. */
  backend?: string
  attempts: number
  status: number
  inputTokens?: number
  outputTokens?: number
  cacheReadTokens?: number
  cacheWriteTokens?: number
  /** The part of cacheWriteTokens written for one hour (Anthropic), priced apart. */
  cacheWrite1hTokens?: number
  /** undefined when the backend has no prices. */
  costUsd?: number
  totalMs: number
  firstByteMs?: number
  /** The answer ended early (client went away, or the stream broke after it started). */
  isCutShort: boolean
}

export type UsageGroup = 'backend' | 'client' | 'day'

export interface UsageQuery {
  sinceMs: number
  groupBy: UsageGroup
}

export interface UsageRow {
  /** The backend id, client name or UTC day (YYYY-MM-DD); "-" for none. */
  key: string
  requests: number
  /** Requests answered with a status of 400 or more. */
  errors: number
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWriteTokens: number
  /** The part of cacheWriteTokens written for one hour. */
  cacheWrite1hTokens: number
  /** Sum over priced requests only. */
  costUsd: number
  /** Requests whose backend had no prices (their cost is unknown, not zero). */
  unpricedRequests: number
  avgTotalMs: number
}

export const NO_KEY = '-'

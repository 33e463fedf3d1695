import type { ProtocolName } from '../protocols/protocol.ts'
import type { RateLimits } from '../config/config.ts'
import type { RoutingState } from '../routing/routing-state.ts'

/**
 * Where llmux keeps what must outlive one request (SPEC §5, §8): attempt times for rate windows,
 * cooldowns, per-client request times and spend, and the request log.
 *
 * Reads on the hot path are synchronous and come from memory; writes return at once and reach
 * persistent storage shortly after (SQLite: within a few tens of ms, in one batched transaction).
 * Time always comes in as a parameter.
 */
export interface Store {
  /** Live read-only views of attempts and cooldowns, for selectBackends. */
  readonly routing: RoutingState
  /** An attempt was sent to this backend. Only the newest times its limits can need are kept. */
  recordAttempt(backendId: string, nowMs: number, limits: RateLimits): void
  /** The backend rests until this moment (replaces any earlier cooldown). */
  setCooldown(backendId: string, untilMs: number): void
  /** Ascending times of this client's requests (for its max_per_minute / max_per_hour). */
  clientRequests(client: string): readonly number[]
  recordClientRequest(client: string, nowMs: number, limits: RateLimits): void
  /** The client's spend in the current UTC day and month. */
  spendOf(client: string, nowMs: number): Spend
  addSpend(client: string, costUsd: number, nowMs: number): void
  recordRequest(record: RequestRecord): void
  /** Totals of the request log since a moment, one row per backend, client or UTC day. */
  usage(query: UsageQuery): Promise<UsageRow[]>
  /** Writes everything still pending. */
  flush(): Promise<void>
  /** Flushes, then releases the store. */
  close(): Promise<void>
}

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
  /** Sum over priced requests only. */
  costUsd: number
  /** Requests whose backend had no prices (their cost is unknown, not zero). */
  unpricedRequests: number
  avgTotalMs: number
}

export const NO_KEY = '-'

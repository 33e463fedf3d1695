import type { ProtocolName } from '../protocols/protocol.ts'
import { costOf } from '../routing/cost.ts'
import type { Gateway } from './gateway.ts'
import type { Outcome } from './outcome.ts'

/** What is known about one request as it goes; completed by finishRequest. */
export interface RequestRecord {
  id: number
  /** performance.now() at arrival. */
  startedAt: number
  arrivedAtMs: number
  protocol: ProtocolName
  client?: string
  requestedModel?: string
  isStreaming?: boolean
  backend?: string
  attempts: number
  /** Time spent waiting on upstreams, subtracted to get llmux's own overhead. */
  upstreamWaitMs: number
  /** llmux's own time up to the moment the answer started (x-llmux-overhead-ms). */
  overheadMs?: number
  firstByteMs?: number
  isFinished?: boolean
}

export const newRecord = (gateway: Gateway, protocol: RequestRecord['protocol']): RequestRecord => ({
  id: gateway.nextRequestId(),
  startedAt: performance.now(),
  arrivedAtMs: gateway.now(),
  protocol,
  attempts: 0,
  upstreamWaitMs: 0,
})

/**
 * Runs once per request, however it ended: prices the usage, charges the client, records the request
 * in the store and the metrics, and logs the completion line. Prompt text is never part of it.
 */
export function finishRequest(gateway: Gateway, record: RequestRecord, outcome: Outcome): void {
  if (record.isFinished) return
  record.isFinished = true
  const totalMs = performance.now() - record.startedAt
  const { usage } = outcome
  const backend = record.backend === undefined ? undefined : gateway.backendById.get(record.backend)
  // A cached answer costs nothing (SPEC §8).
  const costUsd = outcome.isCacheHit ? 0 : backend ? costOf(usage, backend.prices) : undefined
  const nowMs = gateway.now()
  if (record.client !== undefined && costUsd) void gateway.store.settleSpend(record.client, costUsd, nowMs)
  const finished = {
    timeMs: record.arrivedAtMs,
    client: record.client,
    protocol: record.protocol,
    requestedModel: record.requestedModel ?? '',
    backend: record.backend,
    attempts: record.attempts,
    status: outcome.status,
    ...usage,
    costUsd,
    totalMs,
    firstByteMs: outcome.firstByteMs,
    isCutShort: outcome.isCutShort,
  }
  // Requests refused before routing (bad JSON, auth) are counted in metrics, not kept in the usage log.
  if (record.requestedModel !== undefined) {
    gateway.store.recordRequest(finished)
    gateway.metrics.recent.push(finished)
  }
  gateway.metrics.record(finished, record.overheadMs)
  if (gateway.logger.isInfo) gateway.logger.info(completionLine(record, outcome, totalMs, costUsd))
}

function completionLine(record: RequestRecord, outcome: Outcome, totalMs: number, costUsd: number | undefined): string {
  const { usage } = outcome
  const hasTokens = usage.inputTokens !== undefined || usage.outputTokens !== undefined
  const write1h = usage.cacheWrite1hTokens ? ` cache_write_1h=${usage.cacheWrite1hTokens}` : ''
  const cache = usage.cacheReadTokens || usage.cacheWriteTokens ? ` cache_read=${usage.cacheReadTokens ?? 0} cache_write=${usage.cacheWriteTokens ?? 0}${write1h}` : ''
  const tokens = hasTokens ? ` in=${usage.inputTokens ?? '?'} out=${usage.outputTokens ?? '?'}${cache}` : ''
  const cost = costUsd === undefined ? '' : ` $${costUsd.toFixed(6)}`
  const cut = outcome.isCacheHit ? ' cache-hit' : outcome.isCutShort ? ' cut-short' : ''
  const why = outcome.status >= 400 && outcome.errorMessage ? ` (${outcome.errorMessage})` : ''
  const attempts = record.attempts > 1 ? ` attempts=${record.attempts}` : ''
  const asked = record.requestedModel === undefined ? '' : ` ${record.protocol} model=${record.requestedModel}${record.isStreaming ? ' stream' : ''}`
  const client = record.client === undefined ? '' : ` client=${record.client}`
  return `#${record.id} → ${outcome.status} ${record.backend ?? '-'}${asked}${client} ${totalMs.toFixed(1)}ms${tokens}${cost}${attempts}${cut}${why}`
}

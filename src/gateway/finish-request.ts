import type { Outcome } from './outcome.ts'
import type { Gateway } from './gateway.ts'

/** What is known about one request as it goes; completed by finishRequest. */
export interface RequestRecord {
  id: number
  /** performance.now() at arrival. */
  startedAt: number
  arrivedAtMs: number
  protocol: 'anthropic' | 'openai'
  client?: string
  requestedModel?: string
  backend?: string
  attempts: number
  /** Time spent waiting on upstreams, subtracted to get llmux's own overhead. */
  upstreamWaitMs: number
  firstByteMs?: number
  isFinished?: boolean
}

/** Logs the completion line and records the request. Runs once per request, however it ended. */
export function finishRequest(gateway: Gateway, record: RequestRecord, outcome: Outcome): void {
  if (record.isFinished) return
  record.isFinished = true
  const totalMs = performance.now() - record.startedAt
  const { usage } = outcome
  const tokens = usage.inputTokens !== undefined || usage.outputTokens !== undefined ? ` in=${usage.inputTokens ?? '?'} out=${usage.outputTokens ?? '?'}` : ''
  const cut = outcome.isCutShort ? ' cut-short' : ''
  const why = outcome.status >= 400 && outcome.errorMessage ? ` (${outcome.errorMessage})` : ''
  gateway.logger.info(`#${record.id} → ${outcome.status} ${record.backend ?? '-'} ${totalMs.toFixed(1)}ms${tokens}${cut}${why}`)
}

import type { RequestRecord } from './finish-request.ts'

/** x-llmux-backend, x-llmux-attempts and x-llmux-overhead-ms (SPEC §4), on every answer. */
export function llmuxHeaders(record: RequestRecord): Record<string, string> {
  const overheadMs = performance.now() - record.startedAt - record.upstreamWaitMs
  record.overheadMs = overheadMs
  const headers: Record<string, string> = { 'x-llmux-attempts': String(record.attempts), 'x-llmux-overhead-ms': overheadMs.toFixed(3) }
  if (record.backend) headers['x-llmux-backend'] = record.backend
  return headers
}

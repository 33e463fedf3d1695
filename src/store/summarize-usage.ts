import { NO_KEY, type RequestRecord, type UsageGroup, type UsageQuery, type UsageRow } from './store.ts'

/** Totals of request records since a moment, grouped; rows sorted by key. The SQLite store does the same in SQL. */
export function summarizeUsage(records: Iterable<RequestRecord>, query: UsageQuery): UsageRow[] {
  const rows = new Map<string, UsageRow & { totalMsSum: number }>()
  for (const record of records) {
    if (record.timeMs < query.sinceMs) continue
    const key = keyOf(record, query.groupBy)
    const row = rows.get(key) ?? { ...emptyRow(key), totalMsSum: 0 }
    row.requests += 1
    if (record.status >= 400) row.errors += 1
    row.inputTokens += record.inputTokens ?? 0
    row.outputTokens += record.outputTokens ?? 0
    row.cacheReadTokens += record.cacheReadTokens ?? 0
    row.cacheWriteTokens += record.cacheWriteTokens ?? 0
    row.cacheWrite1hTokens += record.cacheWrite1hTokens ?? 0
    if (record.costUsd === undefined) row.unpricedRequests += 1
    else row.costUsd += record.costUsd
    row.totalMsSum += record.totalMs
    rows.set(key, row)
  }
  return [...rows.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ totalMsSum, ...row }) => ({ ...row, avgTotalMs: totalMsSum / row.requests }))
}

export function keyOf(record: RequestRecord, groupBy: UsageGroup): string {
  if (groupBy === 'day') return new Date(record.timeMs).toISOString().slice(0, 10)
  return (groupBy === 'backend' ? record.backend : record.client) ?? NO_KEY
}

function emptyRow(key: string): UsageRow {
  return {
    key,
    requests: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
    avgTotalMs: 0,
  }
}

import type { Database } from 'bun:sqlite'
import type { StateMirror } from './state-mirror.ts'
import type { RequestRecord } from './store.ts'

/** SQLite store changes not yet written, gathered between flushes. */
export interface Pending {
  attempts: [backend: string, timeMs: number][]
  clientRequests: [client: string, timeMs: number][]
  cooldowns: Map<string, number>
  /** "client\nperiod" → USD to add. */
  spend: Map<string, number>
  requests: RequestRecord[]
  /** Session → [backend, expiry ms] (affinity: not journaled, a lost one only costs cache warmth). */
  affinity: Map<string, [backend: string, expiresMs: number]>
  /** Answer cache key → [answer, expiry ms] (not journaled: a lost one is only a later miss). */
  answers: Map<string, [value: string, expiresMs: number]>
  /** When answers were written: expired ones are swept and the table kept to `maxEntries` (the newest). */
  answerBound?: { nowMs: number; maxEntries: number }
  /** The journal's sequence number of the newest change in this batch (0: none journaled). */
  lastSequence: number
}

export function emptyPending(): Pending {
  return { attempts: [], clientRequests: [], cooldowns: new Map(), spend: new Map(), requests: [], affinity: new Map(), answers: new Map(), lastSequence: 0 }
}

export function isEmpty(pending: Pending): boolean {
  return (
    pending.attempts.length + pending.clientRequests.length + pending.cooldowns.size + pending.spend.size + pending.requests.length + pending.affinity.size + pending.answers.size === 0
  )
}

export function spendKey(client: string, period: string): string {
  return `${client}\n${period}`
}

/** Writes one batch in one transaction; the mirror says which stored times are no longer needed. */
export function writePending(db: Database, pending: Pending, mirror: StateMirror): void {
  db.transaction(() => {
    const insertAttempt = db.query('INSERT INTO attempts (backend, time_ms) VALUES (?, ?)')
    for (const [backend, timeMs] of pending.attempts) insertAttempt.run(backend, timeMs)
    trimTimes(db, 'attempts', 'backend', pending.attempts, (key) => mirror.attempts.oldest(key))
    const insertClient = db.query('INSERT INTO client_requests (client, time_ms) VALUES (?, ?)')
    for (const [client, timeMs] of pending.clientRequests) insertClient.run(client, timeMs)
    trimTimes(db, 'client_requests', 'client', pending.clientRequests, (key) => mirror.clientRequests.oldest(key))
    const upsertCooldown = db.query(
      'INSERT INTO cooldowns (backend, until_ms) VALUES (?, ?) ON CONFLICT (backend) DO UPDATE SET until_ms = excluded.until_ms',
    )
    for (const [backend, untilMs] of pending.cooldowns) upsertCooldown.run(backend, untilMs)
    const addSpend = db.query(
      'INSERT INTO spend (client, period, usd) VALUES (?, ?, ?) ON CONFLICT (client, period) DO UPDATE SET usd = usd + excluded.usd',
    )
    for (const [key, usd] of pending.spend) addSpend.run(...splitSpendKey(key), usd)
    const insertRequest = db.query(`INSERT INTO requests (${REQUEST_COLUMNS.join(', ')}) VALUES (${REQUEST_COLUMNS.map(() => '?').join(', ')})`)
    for (const record of pending.requests) insertRequest.run(...requestRow(record))
    const upsertAffinity = db.query(
      'INSERT INTO affinity (session, backend, expires_ms) VALUES (?, ?, ?) ON CONFLICT (session) DO UPDATE SET backend = excluded.backend, expires_ms = excluded.expires_ms',
    )
    for (const [session, [backend, expiresMs]] of pending.affinity) upsertAffinity.run(session, backend, expiresMs)
    writeAnswers(db, pending)
    // The journal's lines up to here are in SQLite now: a replay after a crash skips them.
    if (pending.lastSequence > 0) db.query("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(pending.lastSequence)
  })()
}

function writeAnswers(db: Database, pending: Pending): void {
  if (pending.answers.size === 0 || pending.answerBound === undefined) return
  const upsert = db.query(
    'INSERT INTO answer_cache (key, value, expires_ms) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms',
  )
  for (const [key, [value, expiresMs]] of pending.answers) upsert.run(key, value, expiresMs)
  const { nowMs, maxEntries } = pending.answerBound
  db.query('DELETE FROM answer_cache WHERE expires_ms <= ?').run(nowMs)
  // Past the bound, the entries nearest their expiry (the oldest written, as every entry has one ttl) go.
  db.query('DELETE FROM answer_cache WHERE key IN (SELECT key FROM answer_cache ORDER BY expires_ms LIMIT max(0, (SELECT COUNT(*) FROM answer_cache) - ?))').run(maxEntries)
}

/** Stored times older than what the mirror still keeps can never matter again. */
function trimTimes(db: Database, table: string, column: string, rows: [string, number][], oldestOf: (key: string) => number | undefined) {
  const trim = db.query(`DELETE FROM ${table} WHERE ${column} = ? AND time_ms < ?`)
  for (const key of new Set(rows.map(([key]) => key))) {
    const oldest = oldestOf(key)
    if (oldest !== undefined) trim.run(key, oldest)
  }
}

function splitSpendKey(key: string): [client: string, period: string] {
  const newline = key.lastIndexOf('\n')
  return [key.slice(0, newline), key.slice(newline + 1)]
}

/** The `requests` columns (sqlite-schema.ts) in the order requestRow gives their values. */
const REQUEST_COLUMNS = [
  'time_ms', 'client', 'protocol', 'requested_model', 'backend', 'attempts', 'status', 'input_tokens', 'output_tokens',
  'cache_read_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'cost_usd', 'total_ms', 'first_byte_ms', 'is_cut_short',
]

function requestRow(record: RequestRecord): (string | number | null)[] {
  return [
    record.timeMs,
    record.client ?? null,
    record.protocol,
    record.requestedModel,
    record.backend ?? null,
    record.attempts,
    record.status,
    record.inputTokens ?? null,
    record.outputTokens ?? null,
    record.cacheReadTokens ?? null,
    record.cacheWriteTokens ?? null,
    record.cacheWrite1hTokens ?? null,
    record.costUsd ?? null,
    record.totalMs,
    record.firstByteMs ?? null,
    record.isCutShort ? 1 : 0,
  ]
}

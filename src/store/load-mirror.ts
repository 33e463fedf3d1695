import type { Database } from 'bun:sqlite'
import type { StateMirror } from './state-mirror.ts'

/** Fills the in-memory mirror from the file at open. Stored times are already trimmed, so this stays small. */
export function loadMirror(db: Database, mirror: StateMirror): void {
  const attempts = db.query<{ key: string; timeMs: number }, []>(
    'SELECT backend AS key, time_ms AS timeMs FROM attempts ORDER BY backend, time_ms',
  )
  for (const row of attempts.iterate()) mirror.attempts.load(row.key, row.timeMs)
  const clients = db.query<{ key: string; timeMs: number }, []>(
    'SELECT client AS key, time_ms AS timeMs FROM client_requests ORDER BY client, time_ms',
  )
  for (const row of clients.iterate()) mirror.clientRequests.load(row.key, row.timeMs)
  const cooldowns = db.query<{ backend: string; untilMs: number }, []>('SELECT backend, until_ms AS untilMs FROM cooldowns')
  for (const row of cooldowns.iterate()) mirror.cooldowns.set(row.backend, row.untilMs)
  const spend = db.query<{ client: string; period: string; usd: number }, []>('SELECT client, period, usd FROM spend')
  for (const row of spend.iterate()) mirror.spend.load(row.client, row.period, row.usd)
  // Expired sessions are dropped here rather than kept: the table only holds what may still matter.
  db.query('DELETE FROM affinity WHERE expires_ms <= ?').run(Date.now())
  const affinity = db.query<{ session: string; backend: string; expiresMs: number }, []>('SELECT session, backend, expires_ms AS expiresMs FROM affinity')
  for (const row of affinity.iterate()) mirror.affinity.set(row.session, row.backend, row.expiresMs)
}

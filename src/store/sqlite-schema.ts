import { Database } from 'bun:sqlite'

/**
 * The SQLite file layout. WAL with synchronous=NORMAL: a commit survives the process dying (kill -9),
 * only a power cut may lose the last few; readers (`llmux stats`) never block the gateway.
 * Attempt and client-request rows are trimmed as they age, so the file holds only what windows need
 * plus the request log.
 */
const SCHEMA_VERSION = 2

/**
 * What each version changes in a file written by the one before; SCHEMA alone makes a new file current.
 * 2: one-hour cache writes (SPEC §8), appended so both kinds of file keep one column order.
 */
const MIGRATIONS: Record<number, string> = {
  2: 'ALTER TABLE requests ADD COLUMN cache_write_1h_tokens INTEGER',
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS attempts (backend TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_backend ON attempts (backend, time_ms);
CREATE TABLE IF NOT EXISTS client_requests (client TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS client_requests_by_client ON client_requests (client, time_ms);
CREATE TABLE IF NOT EXISTS cooldowns (backend TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS spend (
  client TEXT NOT NULL, period TEXT NOT NULL, usd REAL NOT NULL, PRIMARY KEY (client, period)
);
CREATE TABLE IF NOT EXISTS requests (
  time_ms INTEGER NOT NULL,
  client TEXT,
  protocol TEXT NOT NULL,
  requested_model TEXT NOT NULL,
  backend TEXT,
  attempts INTEGER NOT NULL,
  status INTEGER NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cache_read_tokens INTEGER,
  cache_write_tokens INTEGER,
  cost_usd REAL,
  total_ms REAL NOT NULL,
  first_byte_ms REAL,
  is_cut_short INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER
);
CREATE INDEX IF NOT EXISTS requests_by_time ON requests (time_ms);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS affinity (session TEXT PRIMARY KEY, backend TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS answer_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_ms INTEGER NOT NULL);
`

export function openSqlite(path: string): Database {
  const db = new Database(path, { create: true })
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  // `llmux stats` may read while the gateway writes: wait for the lock instead of failing.
  db.exec('PRAGMA busy_timeout = 5000')
  const version = db.query<{ user_version: number }, []>('PRAGMA user_version').get()?.user_version ?? 0
  if (version > SCHEMA_VERSION) {
    db.close()
    throw new Error(`store ${path} was written by a newer llmux (schema ${version}, this one knows ${SCHEMA_VERSION})`)
  }
  db.transaction(() => {
    // A new file (version 0) gets the current tables from SCHEMA and needs no migration.
    if (version > 0) for (let next = version + 1; next <= SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next])
    db.exec(SCHEMA)
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
  })()
  return db
}

/** The last journal sequence number a committed batch covered (sqlite-journal.ts). */
export function committedSequence(db: Database): number {
  return db.query<{ value: number }, []>("SELECT value FROM meta WHERE key = 'journal_seq'").get()?.value ?? 0
}

/** The column expression a usage query groups by. */
export const GROUP_COLUMN = {
  backend: "COALESCE(backend, '-')",
  client: "COALESCE(client, '-')",
  day: "strftime('%Y-%m-%d', time_ms / 1000, 'unixepoch')",
} as const

export const USAGE_COLUMNS = `
  COUNT(*) AS requests,
  SUM(status >= 400) AS errors,
  COALESCE(SUM(input_tokens), 0) AS inputTokens,
  COALESCE(SUM(output_tokens), 0) AS outputTokens,
  COALESCE(SUM(cache_read_tokens), 0) AS cacheReadTokens,
  COALESCE(SUM(cache_write_tokens), 0) AS cacheWriteTokens,
  COALESCE(SUM(cache_write_1h_tokens), 0) AS cacheWrite1hTokens,
  COALESCE(SUM(cost_usd), 0) AS costUsd,
  SUM(cost_usd IS NULL) AS unpricedRequests,
  AVG(total_ms) AS avgTotalMs`

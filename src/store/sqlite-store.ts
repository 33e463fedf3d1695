import type { Database } from 'bun:sqlite'
import type { RateLimits } from '../config/config.ts'
import type { RoutingState } from '../routing/routing-state.ts'
import { loadMirror } from './load-mirror.ts'
import { committedSequence, GROUP_COLUMN, openSqlite, USAGE_COLUMNS } from './sqlite-schema.ts'
import { type JournalEntry, replayJournal, SqliteJournal } from './sqlite-journal.ts'
import { StateMirror } from './state-mirror.ts'
import type { BudgetCheck, Budgets, RequestRecord, Reservation, Spend, Store, StoreHealth, UsageQuery, UsageRow } from './store.ts'
import { emptyPending, isEmpty, spendKey, writePending } from './write-pending.ts'

export interface SqliteStoreOptions {
  /** How long changes gather before one transaction writes them (default 20 ms). */
  flushDelayMs?: number
  /** A failed background write is reported here (default: one line on stderr); the gateway keeps serving. */
  onError?: (error: unknown) => void
}

/**
 * The default store: a SQLite file (bun:sqlite, WAL). State is read from an in-memory mirror loaded at
 * open; every change is appended at once to a journal beside the file (`<file>.journal`, one line,
 * ~2 µs) and written to SQLite in one batched transaction shortly after, so a write never holds up a
 * request and a kill -9 loses nothing: the next open writes what the journal holds beyond the last batch.
 */
export class SqliteStore implements Store {
  private readonly state = new StateMirror()
  private readonly db: Database
  private pending = emptyPending()
  private timer: ReturnType<typeof setTimeout> | undefined
  private readonly flushDelayMs: number
  private readonly onError: (error: unknown) => void
  private readonly journal: SqliteJournal
  readonly routing: RoutingState = this.state.routing
  readonly health: StoreHealth = 'ok'

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = openSqlite(path)
    this.flushDelayMs = options.flushDelayMs ?? 20
    this.onError = options.onError ?? ((error) => console.error(`llmux: store write failed: ${String(error)}`))
    const journalPath = `${path}.journal`
    const committed = committedSequence(this.db)
    // What an earlier process journaled but never committed (it was killed) goes in first.
    const replayed = emptyPending()
    replayJournal(journalPath, committed, replayed)
    if (!isEmpty(replayed)) writePending(this.db, replayed, new StateMirror())
    this.journal = new SqliteJournal(journalPath, committed)
    this.journal.clear()
    loadMirror(this.db, this.state)
  }

  async reserveAttempt(backendId: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    const { reservation, isCounted } = this.state.reserveAttempt(backendId, limits, nowMs)
    if (isCounted) {
      this.pending.attempts.push([backendId, nowMs])
      this.journaled(['attempt', backendId, nowMs])
    }
    return reservation
  }

  async setCooldown(backendId: string, untilMs: number): Promise<void> {
    if (!this.state.setCooldown(backendId, untilMs)) return
    this.pending.cooldowns.set(backendId, untilMs)
    this.journaled(['cooldown', backendId, untilMs])
  }

  async reserveClientRequest(client: string, limits: RateLimits, nowMs: number): Promise<Reservation> {
    const { reservation, isCounted } = this.state.reserveClientRequest(client, limits, nowMs)
    if (isCounted) {
      this.pending.clientRequests.push([client, nowMs])
      this.journaled(['client', client, nowMs])
    }
    return reservation
  }

  async reserveSpend(client: string, budgets: Budgets, nowMs: number): Promise<BudgetCheck> {
    return this.state.checkBudget(client, budgets, nowMs)
  }

  async affinityOf(session: string, nowMs: number): Promise<string | undefined> {
    return this.state.affinity.get(session, nowMs)
  }

  async rememberAffinity(session: string, backendId: string, nowMs: number, ttlMs: number): Promise<void> {
    this.state.affinity.set(session, backendId, nowMs + ttlMs)
    this.pending.affinity.set(session, [backendId, nowMs + ttlMs])
    this.schedule()
  }

  /** A direct read; an answer written moments ago may still wait in the batch. */
  async cachedAnswer(key: string, nowMs: number): Promise<string | undefined> {
    const pending = this.pending.answers.get(key)
    if (pending !== undefined) return pending[1] > nowMs ? pending[0] : undefined
    const row = this.db.query<{ value: string }, [string, number]>('SELECT value FROM answer_cache WHERE key = ? AND expires_ms > ?').get(key, nowMs)
    return row?.value
  }

  /** Written with the next batch, not journaled: an answer lost to kill -9 is only a later miss. */
  async cacheAnswer(key: string, value: string, nowMs: number, ttlMs: number, maxEntries: number): Promise<void> {
    this.pending.answers.set(key, [value, nowMs + ttlMs])
    this.pending.answerBound = { nowMs, maxEntries }
    this.schedule()
  }

  spendOf(client: string, nowMs: number): Spend {
    return this.state.spend.of(client, nowMs)
  }

  async settleSpend(client: string, costUsd: number, nowMs: number): Promise<void> {
    for (const period of this.state.spend.add(client, costUsd, nowMs)) {
      const key = spendKey(client, period)
      this.pending.spend.set(key, (this.pending.spend.get(key) ?? 0) + costUsd)
      this.journal.append(['spend', key, costUsd])
    }
    this.pending.lastSequence = this.journalSequence()
    this.schedule()
  }

  recordRequest(record: RequestRecord): void {
    this.pending.requests.push(record)
    this.journaled(['request', record])
  }

  async usage(query: UsageQuery): Promise<UsageRow[]> {
    this.write()
    const sql = `SELECT ${GROUP_COLUMN[query.groupBy]} AS key, ${USAGE_COLUMNS} FROM requests WHERE time_ms >= ? GROUP BY 1 ORDER BY 1`
    return this.db.query<UsageRow, [number]>(sql).all(query.sinceMs)
  }

  async flush(): Promise<void> {
    this.write()
  }

  async close(): Promise<void> {
    this.write()
    this.journal.close()
    this.db.close()
  }

  /** The change is in the journal (durable against kill -9) and goes to SQLite with the next batch. */
  private journaled(entry: JournalEntry): void {
    this.pending.lastSequence = this.journal.append(entry)
    this.schedule()
  }

  private journalSequence(): number {
    return this.journal.sequenceNow
  }

  private schedule(): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => {
      try {
        this.write()
      } catch (error) {
        this.onError(error)
      }
    }, this.flushDelayMs)
    // A pending write must not keep the process alive; close() writes what is left.
    this.timer.unref?.()
  }

  /** Writes everything pending. A batch that fails to write is dropped, not retried forever. */
  private write(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const pending = this.pending
    if (isEmpty(pending)) return
    this.pending = emptyPending()
    writePending(this.db, pending, this.state)
    // Every journaled change is in that batch (JavaScript is single-threaded): the journal starts over.
    this.journal.clear()
  }
}

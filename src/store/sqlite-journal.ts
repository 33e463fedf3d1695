import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { Pending } from './write-pending.ts'
import type { RequestRecord } from './store.ts'

/**
 * The SQLite store's write-ahead journal (issue 12: nothing lost to kill -9). SQLite gets changes in
 * batches (one transaction every few ms: a commit costs ~35 µs, too much per request), so each change
 * is also appended here, synchronously, as one line before the request goes on (~2 µs). A kill -9
 * loses nothing the kernel has: at open, lines the last committed batch did not cover are written to
 * SQLite. Lines carry a sequence number and the batch commits the last one it covers, so a crash
 * between a commit and the journal's truncation never applies a change twice.
 */
export type JournalEntry =
  | ['attempt', backend: string, timeMs: number]
  | ['client', client: string, timeMs: number]
  | ['cooldown', backend: string, untilMs: number]
  | ['spend', key: string, usd: number]
  | ['request', record: RequestRecord]

export class SqliteJournal {
  private readonly fd: number
  private sequence: number

  /** `committed`: the last sequence number SQLite holds (meta journal_seq). */
  constructor(
    private readonly path: string,
    committed: number,
  ) {
    this.sequence = Math.max(committed, lastSequenceIn(path))
    this.fd = openSync(path, 'a')
  }

  /** Appends one change and returns its sequence number. */
  append(entry: JournalEntry): number {
    const sequence = ++this.sequence
    writeSync(this.fd, `${sequence}\t${JSON.stringify(entry)}\n`)
    return sequence
  }

  get sequenceNow(): number {
    return this.sequence
  }

  /** Everything up to the current sequence is committed: the journal starts over. */
  clear(): void {
    ftruncateSync(this.fd, 0)
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** The changes a journal holds beyond `committed`, as a batch to write; a torn last line is skipped. */
export function replayJournal(path: string, committed: number, into: Pending): void {
  for (const [sequence, entry] of linesOf(path)) {
    if (sequence <= committed) continue
    into.lastSequence = Math.max(into.lastSequence, sequence)
    switch (entry[0]) {
      case 'attempt':
        into.attempts.push([entry[1], entry[2]])
        break
      case 'client':
        into.clientRequests.push([entry[1], entry[2]])
        break
      case 'cooldown':
        into.cooldowns.set(entry[1], Math.max(into.cooldowns.get(entry[1]) ?? 0, entry[2]))
        break
      case 'spend':
        into.spend.set(entry[1], (into.spend.get(entry[1]) ?? 0) + entry[2])
        break
      case 'request':
        into.requests.push(entry[1])
        break
    }
  }
}

function lastSequenceIn(path: string): number {
  let last = 0
  for (const [sequence] of linesOf(path)) last = Math.max(last, sequence)
  return last
}

function* linesOf(path: string): Generator<[number, JournalEntry]> {
  if (!existsSync(path)) return
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.indexOf('\t')
    if (tab === -1) continue
    try {
      yield [Number(line.slice(0, tab)), JSON.parse(line.slice(tab + 1)) as JournalEntry]
    } catch {
      // A line the kill cut in half: its change never reached a client as done.
    }
  }
}

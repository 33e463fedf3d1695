import { DAY_MS, firstIndexAfter } from '../limits/rate-window.ts'

/**
 * Ascending event times (ms) per key: attempts per backend, requests per client. Memory stays
 * bounded: past twice the count the caller needs, the log drops what is older than a day or beyond
 * that count (trimming in bursts keeps a record amortised O(1)).
 */
export class TimeLog {
  private readonly times = new Map<string, number[]>()

  get view(): ReadonlyMap<string, readonly number[]> {
    return this.times
  }

  of(key: string): readonly number[] {
    return this.times.get(key) ?? []
  }

  /** Adds a time; `keep` is how many of the newest must stay (keepCountOf). Returns false when nothing is kept. */
  record(key: string, timeMs: number, keep: number): boolean {
    if (keep <= 0) return false
    const times = this.times.get(key)
    if (times === undefined) {
      this.times.set(key, [timeMs])
      return true
    }
    // Clocks read at different moments may arrive a little out of order: insert in place.
    if (times.length === 0 || times[times.length - 1] <= timeMs) times.push(timeMs)
    else times.splice(firstIndexAfter(times, timeMs), 0, timeMs)
    if (times.length > 2 * keep + 8) this.trim(times, timeMs, keep)
    return true
  }

  /** Appends a stored time while loading (times come in ascending order per key). */
  load(key: string, timeMs: number): void {
    const times = this.times.get(key)
    if (times === undefined) this.times.set(key, [timeMs])
    else times.push(timeMs)
  }

  /** The oldest time still kept for a key: stored copies may forget anything older. */
  oldest(key: string): number | undefined {
    return this.times.get(key)?.[0]
  }

  private trim(times: number[], nowMs: number, keep: number): void {
    const cut = Math.max(times.length - keep, firstIndexAfter(times, nowMs - DAY_MS))
    times.splice(0, cut)
  }
}

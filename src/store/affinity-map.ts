/**
 * Session → the backend that served it last (session affinity, SPEC §5), with an expiry. Bounded: past
 * `maxEntries` the oldest-written sessions are forgotten first (a forgotten session only loses its cache
 * warmth). Time comes in as a parameter.
 */
export class AffinityMap {
  private readonly entries = new Map<string, { backend: string; expiresMs: number }>()

  constructor(private readonly maxEntries = 100_000) {}

  get(session: string, nowMs: number): string | undefined {
    const entry = this.entries.get(session)
    if (entry === undefined) return undefined
    if (entry.expiresMs > nowMs) return entry.backend
    this.entries.delete(session)
    return undefined
  }

  set(session: string, backend: string, expiresMs: number): void {
    // Re-inserted so that Map order stays the order of last writes.
    this.entries.delete(session)
    this.entries.set(session, { backend, expiresMs })
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string)
  }

  /** Every live entry, for a store that writes them through. */
  *live(nowMs: number): Generator<[session: string, backend: string, expiresMs: number]> {
    for (const [session, entry] of this.entries) if (entry.expiresMs > nowMs) yield [session, entry.backend, entry.expiresMs]
  }
}

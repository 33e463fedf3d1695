/**
 * The memory store's answer cache: a Map in insertion order (a rewrite moves an entry to the end), so
 * the first entries are the oldest written; past the bound they go first, and an expired one goes when read.
 */
export class AnswerMap {
  private readonly entries = new Map<string, { value: string; expiresMs: number }>()

  get(key: string, nowMs: number): string | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresMs > nowMs) return entry.value
    this.entries.delete(key)
    return undefined
  }

  set(key: string, value: string, expiresMs: number, maxEntries: number): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expiresMs })
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= maxEntries) break
      this.entries.delete(oldest)
    }
  }

  get size(): number {
    return this.entries.size
  }
}

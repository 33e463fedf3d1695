import type { RequestRecord } from '../store/store.ts'

/** One finished request as the status page shows it: who, what, where, how it went. Never prompt text. */
export interface RecentRequest {
  timeMs: number
  client?: string
  protocol: string
  requestedModel: string
  backend?: string
  status: number
  totalMs: number
  inputTokens?: number
  outputTokens?: number
  costUsd?: number
}

/** The last `capacity` finished requests, oldest overwritten first (a fixed ring, no growth). */
export class RecentRequests {
  private readonly ring: RequestRecord[] = []
  private next = 0

  constructor(readonly capacity = 20) {}

  /** Keeps the record itself (a request log row: never prompt text); readers take only the fields above. */
  push(record: RequestRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(record)
    else this.ring[this.next] = record
    this.next = (this.next + 1) % this.capacity
  }

  /** Newest first. */
  list(): RecentRequest[] {
    const ordered = this.ring.length < this.capacity ? this.ring.slice() : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)]
    return ordered.reverse()
  }
}

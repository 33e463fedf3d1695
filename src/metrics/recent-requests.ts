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
  private readonly ring: RecentRequest[] = []
  private next = 0

  constructor(readonly capacity = 20) {}

  push(record: RequestRecord): void {
    // Copy the named fields only: whatever else a record may carry never reaches the page.
    const entry: RecentRequest = {
      timeMs: record.timeMs,
      client: record.client,
      protocol: record.protocol,
      requestedModel: record.requestedModel,
      backend: record.backend,
      status: record.status,
      totalMs: record.totalMs,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      costUsd: record.costUsd,
    }
    if (this.ring.length < this.capacity) this.ring.push(entry)
    else this.ring[this.next] = entry
    this.next = (this.next + 1) % this.capacity
  }

  /** Newest first. */
  list(): RecentRequest[] {
    const ordered = this.ring.length < this.capacity ? this.ring.slice() : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)]
    return ordered.reverse()
  }
}

import type { RequestRecord } from '../store/store.ts'
import { Counter, Histogram, labelsOf } from './histogram.ts'
import { RecentRequests } from './recent-requests.ts'

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]

/** What went wrong, coarsely, for llmux_errors_total. */
export function errorClassOf(status: number, isCutShort: boolean): string | undefined {
  if (status === 499) return 'client_gone'
  if (status < 400) return isCutShort ? 'cut_short' : undefined
  if (status === 401 || status === 403) return 'auth'
  if (status === 429) return 'rate_limited'
  if (status === 504) return 'timeout'
  if (status >= 500) return 'upstream'
  return 'bad_request'
}

/** In-process Prometheus metrics (SPEC §8). Created by startServer; rendered on GET /metrics. */
export class Metrics {
  readonly requests = new Counter()
  readonly errors = new Counter()
  readonly tokens = new Counter()
  readonly cost = new Counter()
  readonly failovers = new Counter()
  readonly affinity = new Counter()
  readonly latency = new Histogram(LATENCY_BUCKETS)
  readonly firstByte = new Histogram(LATENCY_BUCKETS)
  readonly overhead = new Histogram(OVERHEAD_BUCKETS)
  /** Session affinity results so far, for /status. */
  readonly affinityCounts = { hit: 0, moved: 0, new: 0 }
  /** The last finished requests that reached routing, for /status and the status page. */
  readonly recent = new RecentRequests(20)
  /** Rendered label strings, built once per distinct combination: recording stays allocation-light. */
  private readonly labelCache = new Map<string, string>()

  private labels(key: string, pairs: () => Record<string, string>): string {
    let labels = this.labelCache.get(key)
    if (labels === undefined) this.labelCache.set(key, (labels = labelsOf(pairs())))
    return labels
  }

  /** One finished request as the store records it, and llmux's own time for the overhead histogram. */
  record(request: RequestRecord, overheadMs?: number): void {
    const backend = request.backend ?? 'none'
    const status = String(request.status)
    this.requests.add(this.labels(`r\0${request.protocol}\0${backend}\0${status}`, () => ({ protocol: request.protocol, backend, status })))
    const errorClass = errorClassOf(request.status, request.isCutShort)
    if (errorClass) this.errors.add(this.labels(`e\0${errorClass}`, () => ({ class: errorClass })))
    this.addTokens(backend, 'input', request.inputTokens)
    this.addTokens(backend, 'output', request.outputTokens)
    this.addTokens(backend, 'cache_read', request.cacheReadTokens)
    this.addTokens(backend, 'cache_write', request.cacheWriteTokens)
    // Part of cache_write, not added to it: the writes kept for one hour, priced apart (SPEC §8).
    this.addTokens(backend, 'cache_write_1h', request.cacheWrite1hTokens)
    const client = request.client ?? 'none'
    if (request.costUsd !== undefined) this.cost.add(this.labels(`c\0${backend}\0${client}`, () => ({ backend, client })), request.costUsd)
    if (request.backend) {
      const byBackend = this.labels(`b\0${backend}`, () => ({ backend }))
      this.latency.observe(byBackend, request.totalMs / 1000)
      if (request.firstByteMs !== undefined) this.firstByte.observe(byBackend, request.firstByteMs / 1000)
    }
    if (overheadMs !== undefined) this.overhead.observe('', overheadMs / 1000)
  }

  private addTokens(backend: string, kind: string, count: number | undefined): void {
    if (count) this.tokens.add(this.labels(`t\0${backend}\0${kind}`, () => ({ backend, kind })), count)
  }

  /** A session's request: served by its remembered backend (hit), moved to another (moved), or the first (new). */
  recordAffinity(result: 'hit' | 'moved' | 'new'): void {
    this.affinity.add(this.labels(`a\0${result}`, () => ({ result })))
    this.affinityCounts[result] += 1
  }

  recordFailover(from: string, reason: string): void {
    this.failovers.add(labelsOf({ backend: from, reason }))
  }

  render(): string {
    return [
      this.requests.render('llmux_requests_total', 'Requests answered, by inbound protocol, backend and status.'),
      this.errors.render('llmux_errors_total', 'Requests that ended in an error, by class.'),
      this.failovers.render('llmux_failovers_total', 'Attempts that failed over to another backend.'),
      this.affinity.render('llmux_affinity_total', "Requests of a session (SPEC §5): served by its remembered backend (hit), moved to another (moved), or a session's first (new)."),
      this.tokens.render('llmux_tokens_total', 'Tokens reported by upstreams, by backend and kind (input excludes cache; cache_write_1h is part of cache_write).'),
      this.cost.render('llmux_cost_usd_total', 'Cost in USD of priced backends, by backend and client.'),
      this.latency.render('llmux_request_duration_seconds', 'Total request time, arrival to last byte.'),
      this.firstByte.render('llmux_time_to_first_byte_seconds', 'Arrival to the first byte of a streamed answer.'),
      this.overhead.render('llmux_overhead_seconds', "llmux's own time per request (total minus time waiting on upstreams)."),
    ].join('\n')
  }
}

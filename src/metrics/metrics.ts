import { Counter, Histogram, labelsOf } from './histogram.ts'

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]

export interface FinishedRequest {
  protocol: string
  backend?: string
  client?: string
  status: number
  isCutShort: boolean
  inputTokens?: number
  outputTokens?: number
  cacheReadTokens?: number
  cacheWriteTokens?: number
  costUsd?: number
  totalMs: number
  firstByteMs?: number
  overheadMs?: number
}

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
  readonly latency = new Histogram(LATENCY_BUCKETS)
  readonly firstByte = new Histogram(LATENCY_BUCKETS)
  readonly overhead = new Histogram(OVERHEAD_BUCKETS)

  record(request: FinishedRequest): void {
    const backend = request.backend ?? 'none'
    this.requests.add(labelsOf({ protocol: request.protocol, backend, status: String(request.status) }))
    const errorClass = errorClassOf(request.status, request.isCutShort)
    if (errorClass) this.errors.add(labelsOf({ class: errorClass }))
    const kinds = { input: request.inputTokens, output: request.outputTokens, cache_read: request.cacheReadTokens, cache_write: request.cacheWriteTokens }
    for (const [kind, count] of Object.entries(kinds)) if (count) this.tokens.add(labelsOf({ backend, kind }), count)
    if (request.costUsd !== undefined) this.cost.add(labelsOf({ backend, client: request.client ?? 'none' }), request.costUsd)
    if (request.backend) this.latency.observe(labelsOf({ backend }), request.totalMs / 1000)
    if (request.backend && request.firstByteMs !== undefined) this.firstByte.observe(labelsOf({ backend }), request.firstByteMs / 1000)
    if (request.overheadMs !== undefined) this.overhead.observe('', request.overheadMs / 1000)
  }

  recordFailover(from: string, reason: string): void {
    this.failovers.add(labelsOf({ backend: from, reason }))
  }

  render(): string {
    return [
      this.requests.render('llmux_requests_total', 'Requests answered, by inbound protocol, backend and status.'),
      this.errors.render('llmux_errors_total', 'Requests that ended in an error, by class.'),
      this.failovers.render('llmux_failovers_total', 'Attempts that failed over to another backend.'),
      this.tokens.render('llmux_tokens_total', 'Tokens reported by upstreams, by backend and kind (input excludes cache).'),
      this.cost.render('llmux_cost_usd_total', 'Cost in USD of priced backends, by backend and client.'),
      this.latency.render('llmux_request_duration_seconds', 'Total request time, arrival to last byte.'),
      this.firstByte.render('llmux_time_to_first_byte_seconds', 'Arrival to the first byte of a streamed answer.'),
      this.overhead.render('llmux_overhead_seconds', "llmux's own time per request (total minus time waiting on upstreams)."),
    ].join('\n')
  }
}

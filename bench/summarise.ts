/** Turns raw wrk runs and stream timings into per-target figures, with what each adds over direct. */
import type { LoadRun } from './load-matrix.ts'
import { HOLD_MS } from './mock-upstream.ts'
import type { ScenarioName, TargetName } from './scenarios.ts'
import { median, percentile, sum } from './stats.ts'
import type { StreamTimings } from './stream-timing.ts'

export interface LoadCell {
  scenario: ScenarioName
  concurrency: number
  target: TargetName
  /** Medians over rounds. */
  requestsPerS: number
  p50Ms: number
  p99Ms: number
  requests: number
  errorCount: number
  /** CPU time of the target's own process per request (for direct: the mock's). */
  cpuUsPerRequest: number
  mockCpuUsPerRequest: number
  wrkCpuUsPerRequest: number
  /** CPU of other processes on the machine during these runs, in % of one core: noise. */
  otherLoadPercent: number
  /** The target's largest resident set during these runs. */
  peakRssMb: number
  /** This target's latency minus direct's, same scenario and concurrency. */
  addedP50Ms: number
  addedP99Ms: number
  /** requests/s over the bare forwarder's. */
  ratioToForwarder: number
}

export interface StreamCell {
  scenario: ScenarioName
  target: TargetName
  count: number
  ttfbP50Ms: number
  ttfbP99Ms: number
  firstTokenP50Ms: number
  firstTokenP99Ms: number
  totalP50Ms: number
  addedTtfbP50Ms: number
  addedTtfbP99Ms: number
  addedFirstTokenP50Ms: number
  addedFirstTokenP99Ms: number
  /** Streams whose first token came only after the mock released the rest: the gateway held it back. */
  stalled: number
}

type BaseCell = Omit<LoadCell, 'addedP50Ms' | 'addedP99Ms' | 'ratioToForwarder'>

function baseCell(runs: LoadRun[]): BaseCell {
  const [first] = runs
  const requests = sum(runs.map((run) => run.result.requests))
  return {
    scenario: first.scenario,
    concurrency: first.concurrency,
    target: first.target,
    requestsPerS: median(runs.map((run) => run.result.requestsPerS)),
    p50Ms: median(runs.map((run) => run.result.p50Ms)),
    p99Ms: median(runs.map((run) => run.result.p99Ms)),
    requests,
    errorCount: sum(runs.map((run) => run.result.errorCount)),
    cpuUsPerRequest: (sum(runs.map((run) => run.cpuMs)) * 1000) / requests,
    mockCpuUsPerRequest: (sum(runs.map((run) => run.mockCpuMs)) * 1000) / requests,
    wrkCpuUsPerRequest: (sum(runs.map((run) => run.result.cpuMs)) * 1000) / requests,
    otherLoadPercent: (sum(runs.map((run) => run.otherCpuMs)) / sum(runs.map((run) => run.result.durationS * 1000))) * 100,
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
  }
}

export function summariseLoad(runs: LoadRun[]): LoadCell[] {
  const groups = Map.groupBy(runs, (run) => `${run.scenario}|${run.concurrency}|${run.target}`)
  const bases = [...groups.values()].map(baseCell)
  const find = (cell: BaseCell, target: TargetName) =>
    bases.find((other) => other.scenario === cell.scenario && other.concurrency === cell.concurrency && other.target === target)
  return bases.map((cell) => ({
    ...cell,
    addedP50Ms: cell.p50Ms - (find(cell, 'direct')?.p50Ms ?? Number.NaN),
    addedP99Ms: cell.p99Ms - (find(cell, 'direct')?.p99Ms ?? Number.NaN),
    ratioToForwarder: cell.requestsPerS / (find(cell, 'forwarder')?.requestsPerS ?? Number.NaN),
  }))
}

export function summariseStreams(scenario: ScenarioName, timings: StreamTimings): StreamCell[] {
  const direct = timings.direct ?? []
  const directTtfb = direct.map((timing) => timing.ttfbMs)
  const directFirstToken = direct.map((timing) => timing.firstTokenMs)
  return Object.entries(timings).map(([target, list]) => {
    const ttfb = list.map((timing) => timing.ttfbMs)
    const firstToken = list.map((timing) => timing.firstTokenMs)
    return {
      scenario,
      target: target as TargetName,
      count: list.length,
      ttfbP50Ms: percentile(ttfb, 50),
      ttfbP99Ms: percentile(ttfb, 99),
      firstTokenP50Ms: percentile(firstToken, 50),
      firstTokenP99Ms: percentile(firstToken, 99),
      totalP50Ms: percentile(list.map((timing) => timing.totalMs), 50),
      addedTtfbP50Ms: percentile(ttfb, 50) - percentile(directTtfb, 50),
      addedTtfbP99Ms: percentile(ttfb, 99) - percentile(directTtfb, 99),
      addedFirstTokenP50Ms: percentile(firstToken, 50) - percentile(directFirstToken, 50),
      addedFirstTokenP99Ms: percentile(firstToken, 99) - percentile(directFirstToken, 99),
      stalled: firstToken.filter((ms) => ms >= HOLD_MS).length,
    }
  })
}

/** The bench's printed report: markdown tables, ready to paste into a README or an issue. */
import type { BenchResults, GatewayFigures } from './bench-results.ts'
import { checkGoals } from './check-goals.ts'
import { HOLD_MS } from './mock-upstream.ts'
import type { ProcessMemory } from './proc-stats.ts'
import { SCENARIOS, type ScenarioName, type TargetName } from './scenarios.ts'
import { median } from './stats.ts'

const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits))
const signed = (value: number | undefined, digits = 3) => (value === undefined || !Number.isFinite(value) ? '–' : (value >= 0 ? '+' : '') + value.toFixed(digits))
const label = (name: ScenarioName) => SCENARIOS.find((scenario) => scenario.name === name)?.label ?? name
const table = (header: string[], rows: string[][]) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')

function loadTables(results: BenchResults): string {
  const cell = (scenario: ScenarioName, concurrency: number, target: TargetName) =>
    results.load.find((each) => each.scenario === scenario && each.concurrency === concurrency && each.target === target)
  const steps = SCENARIOS.flatMap((scenario) => results.options.concurrencies.map((concurrency) => ({ scenario: scenario.name, concurrency })))
  const throughput = steps.map(({ scenario, concurrency }) => {
    const [direct, forwarder, llmux] = (['direct', 'forwarder', 'llmux'] as const).map((target) => cell(scenario, concurrency, target))
    const errors = (forwarder?.errorCount ?? 0) + (llmux?.errorCount ?? 0)
    return [label(scenario), String(concurrency), fixed(direct?.requestsPerS, 0), fixed(forwarder?.requestsPerS, 0), fixed(llmux?.requestsPerS, 0),
      llmux ? `${fixed(llmux.ratioToForwarder * 100, 0)}%` : '–', fixed(direct?.cpuUsPerRequest, 0), fixed(forwarder?.cpuUsPerRequest, 0), fixed(llmux?.cpuUsPerRequest, 0), String(errors)]
  })
  const latency = steps.map(({ scenario, concurrency }) => {
    const [direct, forwarder, llmux] = (['direct', 'forwarder', 'llmux'] as const).map((target) => cell(scenario, concurrency, target))
    return [label(scenario), String(concurrency), `${fixed(direct?.p50Ms, 3)} / ${fixed(direct?.p99Ms, 3)}`,
      `${signed(forwarder?.addedP50Ms)} / ${signed(forwarder?.addedP99Ms)}`, `${signed(llmux?.addedP50Ms)} / ${signed(llmux?.addedP99Ms)}`]
  })
  return [
    '### Throughput (requests/s, median of rounds) and CPU time per request (µs)',
    table(['traffic', 'c', 'direct', 'forwarder', 'llmux', 'llmux ÷ fwd', 'mock CPU/req', 'fwd CPU/req', 'llmux CPU/req', 'errors'], throughput),
    '',
    '### Latency (ms): direct p50 / p99, and what each gateway adds to it',
    table(['traffic', 'c', 'direct p50 / p99', 'forwarder +p50 / +p99', 'llmux +p50 / +p99'], latency),
  ].join('\n')
}

function streamTable(results: BenchResults): string {
  const rows = results.streams.map((cell) => [label(cell.scenario), cell.target, String(cell.count),
    `${fixed(cell.ttfbP50Ms, 3)} / ${fixed(cell.ttfbP99Ms, 3)}`, `${signed(cell.addedTtfbP50Ms)} / ${signed(cell.addedTtfbP99Ms)}`,
    `${signed(cell.addedFirstTokenP50Ms)} / ${signed(cell.addedFirstTokenP99Ms)}`, fixed(cell.totalP50Ms, 2), String(cell.stalled)])
  return [
    `### Streams, one at a time (ms); the mock sends the first token, then holds the rest ${HOLD_MS} ms`,
    table(['traffic', 'target', 'n', 'first byte p50 / p99', 'added first byte p50 / p99', 'added first token p50 / p99', 'whole stream p50', 'held back'], rows),
  ].join('\n')
}

const memory = (figure: ProcessMemory | undefined) => (figure ? `${fixed(figure.rssMb, 1)} / ${fixed(figure.peakRssMb, 1)}` : '–')

function resourceTable(results: BenchResults): string {
  const { forwarder, llmux } = results.gateways
  const ratio = (pick: (figures: GatewayFigures) => number | undefined) => {
    const [low, high] = [forwarder && pick(forwarder), llmux && pick(llmux)]
    return low && high ? `${fixed(high / low, 2)}×` : '–'
  }
  const raisedStreams = (figures?: GatewayFigures) => {
    const raised = figures?.openStreamsRaisedCap
    return raised ? `${raised.opened}/${raised.requested} open, ${memory(raised.memory)} (BUN_CONFIG_MAX_HTTP_REQUESTS=${raised.maxHttpRequests})` : 'not needed'
  }
  const streams = (figures?: GatewayFigures) => figures?.openStreams ? `${figures.openStreams.opened}/${figures.openStreams.requested} open, ${memory(figures.openStreams.memory)}` : '–'
  const loadPeak = (target: TargetName) => {
    const cells = results.load.filter((cell) => cell.target === target)
    if (cells.length === 0) return '–'
    const top = cells.reduce((high, cell) => (cell.peakRssMb > high.peakRssMb ? cell : high))
    return `${fixed(top.peakRssMb, 1)} (c=${top.concurrency} ${top.scenario})`
  }
  const startup = (figures?: GatewayFigures) => figures ? `${fixed(median(figures.startupMs), 0)} (${fixed(Math.min(...figures.startupMs), 0)}–${fixed(Math.max(...figures.startupMs), 0)})` : '–'
  return [
    '### Memory (RSS now / peak, MB) and start-up (ms)',
    table(['', 'forwarder', 'llmux', 'llmux ÷ fwd'], [
      ['idle, after one request', memory(forwarder?.idleMemory), memory(llmux?.idleMemory), ratio((figures) => figures.idleMemory.peakRssMb)],
      ['slow streams held open', streams(forwarder), streams(llmux), ratio((figures) => figures.openStreams?.memory.peakRssMb)],
      ['the same, fetch limit raised', raisedStreams(forwarder), raisedStreams(llmux), ratio((figures) => figures.openStreamsRaisedCap?.memory.peakRssMb)],
      ['most RSS during a load run', loadPeak('forwarder'), loadPeak('llmux'), ''],
      ['after all the load', memory(forwarder?.finalMemory), memory(llmux?.finalMemory), ratio((figures) => figures.finalMemory?.peakRssMb)],
      ['start-up to first served request, median (min–max)', startup(forwarder), startup(llmux), ratio((figures) => median(figures.startupMs))],
    ]),
  ].join('\n')
}

function mockHeadroom(results: BenchResults): string {
  const ratios = results.load.filter((cell) => cell.target === 'forwarder').map((cell) => {
    const direct = results.load.find((each) => each.target === 'direct' && each.scenario === cell.scenario && each.concurrency === cell.concurrency)
    return { concurrency: cell.concurrency, ratio: (direct?.requestsPerS ?? Number.NaN) / cell.requestsPerS, mockCpu: cell.mockCpuUsPerRequest, forwarderCpu: cell.cpuUsPerRequest }
  }).filter((each) => each.concurrency > 1)
  if (ratios.length === 0) return ''
  const lowest = Math.min(...ratios.map((each) => each.ratio))
  const mockCpu = median(ratios.map((each) => each.mockCpu))
  const forwarderCpu = median(ratios.map((each) => each.forwarderCpu))
  return `Mock headroom: alone it serves ≥ ${fixed(lowest, 1)}× the forwarder's requests/s (c ≥ 16), and spends ${fixed(mockCpu, 0)} µs CPU per forwarded request against the forwarder's ${fixed(forwarderCpu, 0)} µs.`
}

/** Other load, in % of one core, above which the figures say more about the machine than the gateway. */
const NOISY_PERCENT = 20

function noiseLine(results: BenchResults): string {
  const loads = results.load.map((cell) => cell.otherLoadPercent)
  if (loads.length === 0) return ''
  const mean = loads.reduce((total, load) => total + load, 0) / loads.length
  const worst = results.load.reduce((high, cell) => (cell.otherLoadPercent > high.otherLoadPercent ? cell : high))
  const warning = mean > NOISY_PERCENT ? ' **Too busy to trust: run again on a quiet machine.**' : ''
  return `Noise: other processes on the machine used ${fixed(mean, 0)}% of one core on average during the load runs ` +
    `(most: ${fixed(worst.otherLoadPercent, 0)}% during c=${worst.concurrency} ${worst.scenario} ${worst.target}); wrk itself spent ` +
    `${fixed(median(results.load.map((cell) => cell.wrkCpuUsPerRequest)), 0)} µs CPU per request (median).${warning}`
}

function goalTable(results: BenchResults): string {
  const goals = checkGoals(results)
  if (goals.length === 0) return ''
  const met = goals.filter((goal) => goal.isMet).length
  const rows = goals.map((goal) => [goal.goal, goal.limit, goal.llmux, goal.forwarder, goal.isMet ? 'met' : '**MISSED**'])
  return [`### Targets (SPEC §11): ${met} of ${goals.length} met`, table(['goal', 'target', 'llmux', 'forwarder', ''], rows)].join('\n')
}

export function renderReport(results: BenchResults): string {
  const { machine, options } = results
  const header = [
    `## llmux bench, ${results.startedAt}`,
    `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, Linux ${machine.kernel}, Bun ${machine.bun}, ${machine.wrk}; ` +
      `${options.durationS} s per run × ${options.rounds} round(s); load tool, mock and gateway share the machine.`,
    ...(results.llmuxSkipped ? [`\n**llmux skipped:** ${results.llmuxSkipped}`] : []),
  ].join('\n')
  const parts = [header, loadTables(results), streamTable(results), resourceTable(results), mockHeadroom(results), noiseLine(results), goalTable(results)]
  return parts.filter((part) => part !== '').join('\n\n')
}

/** SPEC §11's targets, checked against llmux's figures (the forwarder's shown beside them). */
import type { BenchResults } from './bench-results.ts'
import { SCENARIOS, type Scenario, type TargetName } from './scenarios.ts'
import { median } from './stats.ts'

export interface GoalCheck {
  goal: string
  limit: string
  llmux: string
  forwarder: string
  isMet: boolean
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)} ms` : '–')
const mb = (value: number) => `${value.toFixed(1)} MB`
const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : '–')

function latencyGoals(results: BenchResults, scenario: Scenario): GoalCheck[] {
  const cell = (target: TargetName) => results.load.find((each) => each.scenario === scenario.name && each.concurrency === 1 && each.target === target)
  const llmux = cell('llmux')
  const forwarder = cell('forwarder')
  if (llmux === undefined || forwarder === undefined) return []
  const p50Limit = scenario.isTranslated ? 0.25 : 0.15
  return [
    { goal: `added p50 at c=1, ${scenario.label}`, limit: `≤ ${p50Limit} ms`, llmux: ms(llmux.addedP50Ms), forwarder: ms(forwarder.addedP50Ms), isMet: llmux.addedP50Ms <= p50Limit },
    { goal: `added p99 at c=1, ${scenario.label}`, limit: '≤ 1.5 ms', llmux: ms(llmux.addedP99Ms), forwarder: ms(forwarder.addedP99Ms), isMet: llmux.addedP99Ms <= 1.5 },
  ]
}

function throughputGoal(results: BenchResults, scenario: Scenario): GoalCheck[] {
  const cells = results.load.filter((each) => each.scenario === scenario.name && each.target === 'llmux')
  if (cells.length === 0) return []
  const worst = cells.reduce((low, each) => (each.ratioToForwarder < low.ratioToForwarder ? each : low))
  const limit = scenario.isTranslated ? 0.75 : 0.85
  const failed = cells.reduce((total, each) => total + each.errorCount, 0)
  return [
    { goal: `throughput ÷ forwarder, worst c, ${scenario.label}`, limit: `≥ ${percent(limit)}`, llmux: `${percent(worst.ratioToForwarder)} (c=${worst.concurrency})`, forwarder: '100%', isMet: worst.ratioToForwarder >= limit },
    { goal: `failed requests under load, ${scenario.label}`, limit: '0', llmux: String(failed), forwarder: '', isMet: failed === 0 },
  ]
}

function streamGoals(results: BenchResults, scenario: Scenario): GoalCheck[] {
  const llmux = results.streams.find((each) => each.scenario === scenario.name && each.target === 'llmux')
  const forwarder = results.streams.find((each) => each.scenario === scenario.name && each.target === 'forwarder')
  if (llmux === undefined) return []
  return [
    { goal: `added time to first byte p50, ${scenario.label}`, limit: '≤ 0.3 ms', llmux: ms(llmux.addedTtfbP50Ms), forwarder: ms(forwarder?.addedTtfbP50Ms ?? Number.NaN), isMet: llmux.addedTtfbP50Ms <= 0.3 },
    { goal: `streams held back (no stall), ${scenario.label}`, limit: '0', llmux: `${llmux.stalled}/${llmux.count}`, forwarder: `${forwarder?.stalled ?? '–'}/${forwarder?.count ?? '–'}`, isMet: llmux.stalled === 0 },
  ]
}

function resourceGoals(results: BenchResults): GoalCheck[] {
  const { llmux, forwarder } = results.gateways
  if (llmux === undefined) return []
  const goals: GoalCheck[] = [
    { goal: 'peak RSS idle', limit: '≤ 60 MB', llmux: mb(llmux.idleMemory.peakRssMb), forwarder: forwarder ? mb(forwarder.idleMemory.peakRssMb) : '–', isMet: llmux.idleMemory.peakRssMb <= 60 },
  ]
  const streams = llmux.openStreams
  if (streams !== undefined) {
    const fwd = forwarder?.openStreams
    goals.push({
      goal: `${streams.requested} slow streams all open (Bun defaults)`,
      limit: `${streams.requested} open`,
      llmux: String(streams.opened),
      forwarder: fwd ? String(fwd.opened) : '–',
      isMet: streams.opened === streams.requested,
    })
    // The memory figure comes from whichever instance held them all (the raised-limit one if needed).
    const full = streams.opened === streams.requested ? streams : llmux.openStreamsRaisedCap
    const fwdFull = fwd?.opened === fwd?.requested ? fwd : forwarder?.openStreamsRaisedCap
    if (full !== undefined) {
      goals.push({
        goal: `peak RSS with ${full.opened} open slow streams`,
        limit: '≤ 150 MB',
        llmux: mb(full.memory.peakRssMb),
        forwarder: fwdFull ? `${mb(fwdFull.memory.peakRssMb)} (${fwdFull.opened} open)` : '–',
        isMet: full.opened === full.requested && full.memory.peakRssMb <= 150,
      })
    }
  }
  const startup = median(llmux.startupMs)
  const forwarderStartup = forwarder ? `${median(forwarder.startupMs).toFixed(0)} ms` : '–'
  goals.push({ goal: 'start-up to first served request (median)', limit: '≤ 150 ms', llmux: `${startup.toFixed(0)} ms`, forwarder: forwarderStartup, isMet: startup <= 150 })
  return goals
}

export function checkGoals(results: BenchResults): GoalCheck[] {
  const streamed = SCENARIOS.filter((scenario) => scenario.isStreaming)
  return [
    ...SCENARIOS.flatMap((scenario) => latencyGoals(results, scenario)),
    ...SCENARIOS.flatMap((scenario) => throughputGoal(results, scenario)),
    ...streamed.flatMap((scenario) => streamGoals(results, scenario)),
    ...resourceGoals(results),
  ]
}

/**
 * Drives wrk through every target for every scenario and concurrency. Within one step the targets run
 * back to back, and their order turns each round, so drift on the machine hits all of them alike.
 */
import { cpuTimeMs, machineBusyMs, processMemory } from './proc-stats.ts'
import { targetRequest, type Scenario, type ScenarioName, type Target, type TargetName } from './scenarios.ts'
import { runWrk, type WrkResult } from './wrk.ts'

export interface LoadRun {
  scenario: ScenarioName
  concurrency: number
  target: TargetName
  round: number
  result: WrkResult
  /** CPU time the target's process spent during the run (for `direct`, the mock's). */
  cpuMs: number
  /** CPU time the mock spent during the run. */
  mockCpuMs: number
  /** CPU time of everything else on the machine during the run (not wrk, mock or target): noise. */
  otherCpuMs: number
  /** The target's largest resident set seen during the run, sampled every RSS_SAMPLE_MS. */
  peakRssMb: number
}

const RSS_SAMPLE_MS = 100

export interface LoadPlan {
  targets: Target[]
  mockPid: number
  scenarios: Scenario[]
  concurrencies: number[]
  rounds: number
  durationS: number
  onRun?: (run: LoadRun) => void
}

const rotate = <T>(items: T[], by: number) => items.map((_, index) => items[(index + by) % items.length])

async function runOne(plan: LoadPlan, target: Target, scenario: Scenario, concurrency: number, round: number): Promise<LoadRun> {
  const request = targetRequest(target.name, scenario)
  const cpuBefore = cpuTimeMs(target.pid)
  const mockCpuBefore = cpuTimeMs(plan.mockPid)
  const busyBefore = machineBusyMs()
  let peakRssMb = processMemory(target.pid).rssMb
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, processMemory(target.pid).rssMb)), RSS_SAMPLE_MS)
  const result = await runWrk({
    url: target.baseUrl + request.path,
    body: request.body,
    headers: request.headers,
    connections: concurrency,
    durationS: plan.durationS,
  }).finally(() => clearInterval(sampler))
  const cpuMs = cpuTimeMs(target.pid) - cpuBefore
  const mockCpuMs = cpuTimeMs(plan.mockPid) - mockCpuBefore
  const ownCpuMs = result.cpuMs + mockCpuMs + (target.pid === plan.mockPid ? 0 : cpuMs)
  const otherCpuMs = Math.max(0, machineBusyMs() - busyBefore - ownCpuMs)
  return { scenario: scenario.name, concurrency, target: target.name, round, result, cpuMs, mockCpuMs, otherCpuMs, peakRssMb }
}

export async function runLoadMatrix(plan: LoadPlan): Promise<LoadRun[]> {
  const runs: LoadRun[] = []
  for (const concurrency of plan.concurrencies) {
    for (const scenario of plan.scenarios) {
      for (let round = 0; round < plan.rounds; round++) {
        for (const target of rotate(plan.targets, round)) {
          const run = await runOne(plan, target, scenario, concurrency, round)
          runs.push(run)
          plan.onRun?.(run)
        }
      }
    }
  }
  return runs
}

/** The shape of one bench run, as printed and as written to bench/results/*.json. */
import { cpus, release, totalmem } from 'node:os'
import type { BenchOptions } from './bench-options.ts'
import type { GatewayName } from './launch.ts'
import type { LoadRun } from './load-matrix.ts'
import type { ProcessMemory } from './proc-stats.ts'
import type { LoadCell, StreamCell } from './summarise.ts'

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGb: number
  kernel: string
  bun: string
  wrk: string
}

export interface OpenStreamsFigure {
  requested: number
  opened: number
  failed: number
  waiting: number
  memory: ProcessMemory
}

export interface GatewayFigures {
  /** Spawn to first served request, one per start. */
  startupMs: number[]
  /** After start and one served request. */
  idleMemory: ProcessMemory
  openStreams?: OpenStreamsFigure
  /** The same, from a fresh instance with Bun's fetch limit raised, when the first could not open them all. */
  openStreamsRaisedCap?: OpenStreamsFigure & { maxHttpRequests: number }
  /** After all the load. */
  finalMemory?: ProcessMemory
}

export interface BenchResults {
  startedAt: string
  machine: MachineInfo
  options: BenchOptions
  /** Why llmux was left out, when it was. */
  llmuxSkipped?: string
  /** The mock alone with slow streams: checks that the client side can hold them all. */
  directOpenStreams?: Omit<OpenStreamsFigure, 'memory'>
  gateways: Partial<Record<GatewayName, GatewayFigures>>
  load: LoadCell[]
  streams: StreamCell[]
  runs: LoadRun[]
}

export function machineInfo(): MachineInfo {
  const wrkVersion = Bun.spawnSync(['wrk', '--version']).stdout.toString().split('\n')[0] ?? ''
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    bun: Bun.version,
    wrk: wrkVersion.replace(/\s*Copyright.*/, ''),
  }
}

/** CPU time and memory of a process and its descendants, read from /proc (Linux only). */
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcessMemory {
  /** Resident set now (VmRSS), summed over the process and its descendants. */
  rssMb: number
  /** Peak resident set since start (VmHWM), summed likewise. */
  peakRssMb: number
}

const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** The process and every descendant still alive. */
export function processTree(pid: number): number[] {
  let threads: string[]
  try {
    threads = readdirSync(`/proc/${pid}/task`)
  } catch {
    return []
  }
  const children = threads
    .flatMap((tid) => readText(`/proc/${pid}/task/${tid}/children`).split(' '))
    .filter((text) => text.trim() !== '')
    .map(Number)
  return [pid, ...children.flatMap(processTree)]
}

const CLOCK_TICKS_PER_S = Number(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim()) || 100

/** User plus system CPU time in milliseconds (resolution: one clock tick, usually 10 ms). */
export function cpuTimeMs(pid: number): number {
  let ticks = 0
  for (const member of processTree(pid)) {
    const stat = readText(`/proc/${member}/stat`)
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0)
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S
}

const statusKb = (status: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)

export function processMemory(pid: number): ProcessMemory {
  let rssKb = 0
  let peakKb = 0
  for (const member of processTree(pid)) {
    const status = readText(`/proc/${member}/status`)
    rssKb += statusKb(status, 'VmRSS')
    peakKb += statusKb(status, 'VmHWM')
  }
  return { rssMb: rssKb / 1024, peakRssMb: peakKb / 1024 }
}

/** CPU time every process on the machine spent (all cores, /proc/stat), in milliseconds. */
export function machineBusyMs(): number {
  const fields = readText('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal: all but idle and iowait count as busy.
  const [user, nice, system, , , irq, softirq, steal] = fields
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / CLOCK_TICKS_PER_S
}

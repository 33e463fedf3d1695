/** Runs wrk (Debian package `wrk`) with bench/wrk-post.lua and reads its one-line JSON result. */
import { join } from 'node:path'

export interface WrkErrors {
  connect: number
  read: number
  write: number
  /** Responses with a status outside 2xx/3xx. */
  status: number
  timeout: number
}

export interface WrkResult {
  requests: number
  durationS: number
  requestsPerS: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  errors: WrkErrors
  errorCount: number
  /** CPU time wrk itself used. */
  cpuMs: number
}

export interface WrkRun {
  url: string
  body: string
  headers: Record<string, string>
  connections: number
  durationS: number
}

const SCRIPT_PATH = join(import.meta.dir, 'wrk-post.lua')
const RESULT_LINE = /^BENCH_RESULT (.+)$/m

export function parseWrkResult(stdout: string, cpuMs = Number.NaN): WrkResult {
  const line = RESULT_LINE.exec(stdout)?.[1]
  if (line === undefined) throw new Error(`wrk printed no BENCH_RESULT line:\n${stdout}`)
  const raw = JSON.parse(line) as Record<string, number> & { errors: WrkErrors }
  const durationS = raw.duration_us / 1e6
  const errorCount = Object.values(raw.errors).reduce((sum, count) => sum + count, 0)
  return {
    requests: raw.requests,
    durationS,
    requestsPerS: raw.requests / durationS,
    p50Ms: raw.p50_us / 1000,
    p90Ms: raw.p90_us / 1000,
    p99Ms: raw.p99_us / 1000,
    maxMs: raw.max_us / 1000,
    errors: raw.errors,
    errorCount,
    cpuMs,
  }
}

/** One bounded wrk run: `durationS` of load, killed if it overstays by 15 s. */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const threads = run.connections === 1 ? 1 : 2
  const headerFlags = Object.entries(run.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const command = ['wrk', `-t${threads}`, `-c${run.connections}`, `-d${run.durationS}s`, '--timeout', '10s', '-s', SCRIPT_PATH, ...headerFlags, run.url]
  const child = Bun.spawn(command, { env: { ...process.env, BENCH_BODY: run.body }, stdout: 'pipe', stderr: 'pipe' })
  const guard = setTimeout(() => child.kill('SIGKILL'), (run.durationS + 15) * 1000)
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  clearTimeout(guard)
  if (child.exitCode !== 0) throw new Error(`wrk failed (${child.exitCode}): ${stderr || stdout}`)
  const cpuUs = child.resourceUsage()?.cpuTime.total
  return parseWrkResult(stdout, cpuUs === undefined ? Number.NaN : Number(cpuUs) / 1000)
}

/** Makes sure wrk is on PATH: installs it with apt-get when running as root, else says how. */
export function ensureWrk(): void {
  if (Bun.which('wrk') !== null) return
  if (process.getuid?.() !== 0) throw new Error('wrk is not installed: run `sudo apt-get install -y wrk` and try again.')
  console.log('wrk is not installed; installing it with apt-get …')
  const install = () => Bun.spawnSync(['apt-get', 'install', '-y', '-qq', 'wrk'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (install().exitCode !== 0) {
    Bun.spawnSync(['apt-get', 'update', '-qq'])
    const retry = install()
    if (retry.exitCode !== 0) throw new Error(`apt-get install wrk failed:\n${retry.stderr.toString()}`)
  }
}

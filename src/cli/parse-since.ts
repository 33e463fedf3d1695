import { CliError } from './command.ts'

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `--since`: a duration back from now (30m, 24h, 7d) or an ISO date; returns the moment in ms. */
export function parseSince(value: string, nowMs: number): number {
  const duration = /^(\d+)([mhd])$/.exec(value)
  if (duration) return nowMs - Number(duration[1]) * UNIT_MS[duration[2]]
  const dateMs = Date.parse(value)
  if (!Number.isNaN(dateMs)) return dateMs
  throw new CliError(`--since: expected a duration like 30m, 24h, 7d or a date like 2026-11-01, got "${value}"`)
}

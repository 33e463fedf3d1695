/** Backend id → the moment (ms) its cooldown ends. */
export type Cooldowns = ReadonlyMap<string, number>

/** An upstream may not bench a backend for longer than this, whatever its Retry-After says. */
export const MAX_COOLDOWN_MS = 10 * 60_000

/** The headers this module reads; a fetch `Headers` fits. */
export interface HeaderSource {
  get(name: string): string | null
}

export function isCoolingDown(cooldowns: Cooldowns, id: string, nowMs: number): boolean {
  return (cooldowns.get(id) ?? 0) > nowMs
}

/** Milliseconds of cooldown left (0 when none). */
export function cooldownLeftMs(cooldowns: Cooldowns, id: string, nowMs: number): number {
  return Math.max(0, (cooldowns.get(id) ?? 0) - nowMs)
}

/**
 * When a failed backend may be tried again (SPEC §6): the upstream's own wait when it gave one
 * (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP date), otherwise the backend's
 * `cooldown`; either way capped at MAX_COOLDOWN_MS.
 */
export function cooldownUntil(cooldownMs: number, nowMs: number, headers?: HeaderSource): number {
  const upstreamMs = headers === undefined ? undefined : retryAfterMsOf(headers, nowMs)
  return nowMs + Math.min(upstreamMs ?? cooldownMs, MAX_COOLDOWN_MS)
}

/** The wait an upstream asked for, in ms, or undefined when it gave none we can read. */
export function retryAfterMsOf(headers: HeaderSource, nowMs: number): number | undefined {
  const milliseconds = parseDecimal(headers.get('retry-after-ms'))
  if (milliseconds !== undefined) return Math.ceil(milliseconds)
  const value = headers.get('retry-after')
  if (value === null) return undefined
  const seconds = parseDecimal(value)
  if (seconds !== undefined) return Math.ceil(seconds * 1000)
  // An HTTP date names its day and month ("Fri, 07 Mar 2025 12:00:00 GMT"); Date.parse alone takes "-5".
  const dateMs = /[a-z]/i.test(value) ? Date.parse(value) : NaN
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs)
}

/** A non-negative decimal number, or undefined. */
function parseDecimal(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined
  return Number(value)
}

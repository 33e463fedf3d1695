import type { RateLimits } from '../config/config.ts'

/**
 * Rolling rate windows (SPEC §5) over sorted attempt times (ms). An attempt at time t counts while
 * now < t + windowMs, so it frees its slot exactly windowMs after it was sent.
 *
 * Data: one ascending array of times per backend (or client). Counting is a binary search, O(log n).
 * Only the newest `keepCountOf(limits)` times within a day can ever matter, so that bounds memory.
 */
export type WindowName = 'max_per_minute' | 'max_per_hour' | 'max_per_5hours' | 'max_per_day'

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

export const WINDOWS: readonly { name: WindowName; limit: keyof RateLimits; windowMs: number }[] = [
  { name: 'max_per_minute', limit: 'maxPerMinute', windowMs: MINUTE_MS },
  { name: 'max_per_hour', limit: 'maxPerHour', windowMs: HOUR_MS },
  { name: 'max_per_5hours', limit: 'maxPer5Hours', windowMs: 5 * HOUR_MS },
  { name: 'max_per_day', limit: 'maxPerDay', windowMs: DAY_MS },
]

export interface WindowUse {
  name: WindowName
  limit: number
  count: number
  /** How long until one slot frees; 0 when the window has room. */
  freesInMs: number
}

/** Every window that has a limit, with its current count. */
export function windowUses(limits: RateLimits, times: readonly number[], nowMs: number): WindowUse[] {
  const uses: WindowUse[] = []
  for (const window of WINDOWS) {
    const limit = limits[window.limit]
    if (limit !== undefined) uses.push(useOf(window.name, window.windowMs, limit, times, nowMs))
  }
  return uses
}

/** The windows with no room left (empty when the backend may be sent another attempt). Allocates only for full ones. */
export function windowsFull(limits: RateLimits, times: readonly number[], nowMs: number): readonly WindowUse[] {
  let full: WindowUse[] | undefined
  for (const window of WINDOWS) {
    const limit = limits[window.limit]
    if (limit === undefined || times.length - firstIndexAfter(times, nowMs - window.windowMs) < limit) continue
    ;(full ??= []).push(useOf(window.name, window.windowMs, limit, times, nowMs))
  }
  return full ?? NONE_FULL
}

const NONE_FULL: readonly WindowUse[] = []

function useOf(name: WindowName, windowMs: number, limit: number, times: readonly number[], nowMs: number): WindowUse {
  const count = times.length - firstIndexAfter(times, nowMs - windowMs)
  // Once count < limit the window has room: that happens when the attempt limit-th from the newest leaves.
  const freesInMs = count < limit ? 0 : limit === 0 ? Infinity : times[times.length - limit] + windowMs - nowMs
  return { name, limit, count, freesInMs }
}

/** How many of the newest times must be kept to answer for these limits (0 when there are none). */
export function keepCountOf(limits: RateLimits): number {
  let keep = 0
  for (const window of WINDOWS) keep = Math.max(keep, limits[window.limit] ?? 0)
  return keep
}

/** Index of the first time strictly greater than `afterMs` (times ascending). */
export function firstIndexAfter(times: readonly number[], afterMs: number): number {
  let low = 0
  let high = times.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (times[middle] > afterMs) high = middle
    else low = middle + 1
  }
  return low
}

/** The window nearest its limit, as a share used and when its oldest counted attempt leaves it. */
export interface TightestWindow {
  usedPercent: number
  windowMs: number
  /** Unix ms when the window next has one more free slot than now (its oldest counted attempt leaves). */
  resetAtMs: number
}

export function tightestWindow(limits: RateLimits, times: readonly number[], nowMs: number): TightestWindow | undefined {
  let tightest: TightestWindow | undefined
  for (const window of WINDOWS) {
    const limit = limits[window.limit]
    if (limit === undefined || limit === 0) continue
    const first = firstIndexAfter(times, nowMs - window.windowMs)
    const usedPercent = (100 * (times.length - first)) / limit
    if (tightest !== undefined && usedPercent <= tightest.usedPercent) continue
    const resetAtMs = first < times.length ? times[first] + window.windowMs : nowMs
    tightest = { usedPercent, windowMs: window.windowMs, resetAtMs }
  }
  return tightest
}

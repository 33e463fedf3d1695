import type { BackendConfig } from '../config/config.ts'
import { freesInMsOf, type Problem, type ProblemKind } from './backend-fit.ts'
import type { Needs } from './needs.ts'

/**
 * Why no backend can serve (SPEC §5): limits or cooldowns that will pass (429 with Retry-After), or a
 * need no backend meets (400 naming it). When every fitting backend was already tried in this request,
 * the caller has an upstream failure to report instead; the rejection then only says so.
 */
export type Rejection =
  | { kind: 'rate_limited'; retryAfterMs: number; message: string }
  | { kind: 'invalid_request'; message: string; retryAfterMs?: undefined; unmet?: ProblemKind }

/** Needs checked one at a time, in this order, for a message that names the one nobody meets. */
const NEEDS_IN_ORDER: ProblemKind[] = ['vision', 'thinking', 'context', 'model', 'traits']

export function rejectionOf(
  needs: Needs,
  backends: readonly BackendConfig[],
  problemsById: ReadonlyMap<string, readonly Problem[]>,
  minContext: number | undefined,
): Rejection {
  const problemsOf = (backend: BackendConfig) => problemsById.get(backend.id) ?? []
  const has = (backend: BackendConfig, kind: ProblemKind) => problemsOf(backend).some((problem) => problem.kind === kind)
  const served = backends.filter((backend) => !has(backend, 'purpose'))
  const pool = served.filter((backend) => !has(backend, 'disabled'))
  if (served.length === 0) return { kind: 'invalid_request', message: 'no backend is configured for this kind of request' }
  if (pool.length === 0) {
    return { kind: 'invalid_request', message: `no backend is enabled (${problemsOf(served[0])[0].reason})` }
  }
  const retryAfterMs = soonestFreeMs(pool.map(problemsOf))
  if (retryAfterMs !== undefined) {
    return { kind: 'rate_limited', retryAfterMs, message: `every fitting backend is at its limits; one frees in ${seconds(retryAfterMs)}s` }
  }
  const isTriedOnly = (backend: BackendConfig) => problemsOf(backend).every((problem) => problem.kind === 'tried' || problem.kind === 'limits')
  if (pool.some(isTriedOnly)) return { kind: 'invalid_request', message: 'every fitting backend was already tried' }
  const unmet = NEEDS_IN_ORDER.find((kind) => pool.every((backend) => has(backend, kind)))
  if (unmet === undefined) return { kind: 'invalid_request', message: combinedMessage(needs) }
  return { kind: 'invalid_request', message: unmetMessage(unmet, needs, pool, minContext), unmet }
}

/** The soonest moment a backend blocked only by limits frees, or undefined when none is. */
function soonestFreeMs(problemLists: (readonly Problem[])[]): number | undefined {
  let soonest: number | undefined
  for (const problems of problemLists) {
    const freesInMs = freesInMsOf(problems)
    if (freesInMs === undefined || !Number.isFinite(freesInMs)) continue
    soonest = soonest === undefined ? freesInMs : Math.min(soonest, freesInMs)
  }
  return soonest
}

function unmetMessage(kind: ProblemKind, needs: Needs, pool: BackendConfig[], minContext: number | undefined): string {
  switch (kind) {
    case 'vision':
      return 'no backend supports images'
    case 'thinking':
      return 'no backend supports thinking'
    case 'context': {
      const isLargerNeeded = minContext !== undefined && pool.every((backend) => backend.context <= minContext)
      return isLargerNeeded
        ? `no backend has a context larger than ${minContext} tokens`
        : `no backend has a context of ${needs.estimatedTokens} tokens`
    }
    case 'model':
      return `no backend matches model ${JSON.stringify(needs.model)}`
    default:
      return `every backend is reserved for traits this request lacks (it has: ${[...needs.traits].join(', ') || 'none'})`
  }
}

/** Each need is met somewhere, but never all by one backend. */
function combinedMessage(needs: Needs): string {
  const asked = [`${needs.estimatedTokens} tokens`, `model ${JSON.stringify(needs.model)}`]
  if (needs.hasImages) asked.push('images')
  if (needs.isThinking) asked.push('thinking')
  return `no single backend meets every need of this request (${asked.join(', ')})`
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000)
}

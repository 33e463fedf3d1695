import type { BackendConfig } from '../config/config.ts'
import { freesInMsOf, problemsOf, reasonOf, type Problem } from './backend-fit.ts'
import type { Needs } from './needs.ts'
import { rejectionOf, type Rejection } from './rejection.ts'
import type { RoutingState } from './routing-state.ts'

export interface RouteOptions {
  routing: 'ordered' | 'weighted'
  /** A number in [0, 1): Math.random in the server, a seeded generator in tests. */
  random: () => number
  /** Backends already tried for this request. */
  exclude?: ReadonlySet<string>
  /** Set after a context-length failure: only backends with a context above this are tried. */
  minContext?: number
  /** Chat requests never go to embeddings backends, and embeddings requests only go to them. */
  purpose?: 'chat' | 'embeddings'
  /** The backend that served this request's session last (session affinity, SPEC §5): first when it fits. */
  preferred?: string
}

export interface Skipped {
  backend: BackendConfig
  /** Why it cannot serve, e.g. "no vision" or "max_per_hour full (100/100), frees in 12m". */
  reason: string
  /** Set when only limits or a cooldown stand in the way: the ms until they all pass. */
  freesInMs?: number
}

export type Route =
  | { kind: 'ok'; candidates: BackendConfig[]; skipped: Skipped[] }
  | (Rejection & { skipped: Skipped[] })

/**
 * The backends that may serve a request, in the order to try them (SPEC §5), or why none can.
 * Pure: state and time come in; nothing is recorded.
 */
export function selectBackends(
  needs: Needs,
  backends: readonly BackendConfig[],
  state: RoutingState,
  nowMs: number,
  options: RouteOptions,
): Route {
  const context = { purpose: options.purpose ?? 'chat', exclude: options.exclude, minContext: options.minContext, nowMs }
  const fitting: BackendConfig[] = []
  const skipped: Skipped[] = []
  let problemsById: Map<string, readonly Problem[]> | undefined
  for (const backend of backends) {
    const problems = problemsOf(backend, needs, state, context)
    if (problems.length === 0) fitting.push(backend)
    else {
      problemsById ??= new Map()
      problemsById.set(backend.id, problems)
      skipped.push({ backend, reason: reasonOf(problems), freesInMs: freesInMsOf(problems) })
    }
  }
  if (fitting.length === 0) return { ...rejectionOf(needs, backends, problemsById ?? new Map(), options.minContext), skipped }
  return { kind: 'ok', candidates: orderOf(fitting, needs.model, options), skipped }
}

/**
 * The named backend first, then the session's own (affinity), then the others (weighted or in config
 * order), fallbacks last. A session's backend that does not fit is simply not among `fitting`.
 */
function orderOf(fitting: BackendConfig[], model: string, options: RouteOptions): BackendConfig[] {
  // One candidate (the common case): nothing to order.
  if (fitting.length === 1) return fitting
  const named: BackendConfig[] = []
  const main: BackendConfig[] = []
  const fallbacks: BackendConfig[] = []
  let sticky: BackendConfig | undefined
  for (const backend of fitting) {
    if (backend.id === model) named.push(backend)
    else if (backend.id === options.preferred) sticky = backend
    else if (backend.isFallback) fallbacks.push(backend)
    else main.push(backend)
  }
  if (sticky !== undefined) named.push(sticky)
  const ordered = options.routing === 'weighted' ? weightedOrder(main, options.random) : main
  return [...named, ...ordered, ...fallbacks]
}

/**
 * Weighted random order without replacement: each pick is in proportion to weight among those left,
 * so the first pick spreads load by weight and the rest give a failover order. Weight 0 comes last.
 */
export function weightedOrder(backends: readonly BackendConfig[], random: () => number): BackendConfig[] {
  const left = backends.filter((backend) => backend.weight > 0)
  const order: BackendConfig[] = []
  let total = left.reduce((sum, backend) => sum + backend.weight, 0)
  while (left.length > 0) {
    let point = random() * total
    let index = 0
    while (index < left.length - 1 && point >= left[index].weight) point -= left[index++].weight
    const [picked] = left.splice(index, 1)
    total -= picked.weight
    order.push(picked)
  }
  return [...order, ...backends.filter((backend) => backend.weight <= 0)]
}

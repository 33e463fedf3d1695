import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { cooldownUntil } from '../routing/cooldowns.ts'
import { classifyFailure } from '../routing/failure.ts'
import type { ProblemKind } from '../routing/backend-fit.ts'
import type { Needs } from '../routing/needs.ts'
import { tightestWindow } from '../limits/rate-window.ts'
import { NO_ATTEMPTS } from '../routing/routing-state.ts'
import { selectBackends } from '../routing/router.ts'
import { storeAnswer, type AnswerCacheFill } from './answer-cache.ts'
import { sendAttempt, type AttemptPlan, type ClientSide } from './attempt.ts'
import { finishRequest, type RequestRecord } from './finish-request.ts'
import type { Gateway } from './gateway.ts'
import { llmuxHeaders } from './llmux-headers.ts'
import { upstreamErrorResponse } from './upstream-error.ts'
import type { UpstreamFailure } from './upstream-failure.ts'

export interface FailoverRequest {
  inbound: Protocol
  needs: Needs
  client: ClientSide
  purpose: 'chat' | 'embeddings'
  /** Restricts the pool (legacy completions: OpenAI-protocol backends only). */
  isEligible?: (backend: BackendConfig) => boolean
  plan: (backend: BackendConfig) => AttemptPlan
  /**
   * The `capability_rejected: <feature>` tag for a need no backend meets (SPEC §7.1): Claude Code
   * retries once without exactly that feature. Only Anthropic clients get one.
   */
  rejectedCapability?: (unmet: ProblemKind) => string | undefined
  /** The request's session (SPEC §5): its key and the backend that served it last, if remembered. */
  session?: { key: string; preferred?: string }
  /** The answer cache is on and looked this request up: a complete answer is stored (SPEC §8). */
  answerCache?: AnswerCacheFill
}

/**
 * Tries fitting backends in turn (SPEC §6): the first that answers wins; a retryable failure cools the
 * backend down and moves on, at most max_retries times, re-checking fit each round; anything else goes
 * back to the client at once. Streams are answered only after their first event, so failover never
 * follows a byte the client has seen.
 */
export async function answerWithFailover(gateway: Gateway, request: FailoverRequest, record: RequestRecord): Promise<Response> {
  const search: Search = { pool: request.isEligible ? gateway.backends.filter(request.isEligible) : gateway.backends, tried: new Set(), preferred: request.answerCache?.firstChoice ?? request.session?.preferred }
  let last: { backend: BackendConfig; failure: UpstreamFailure } | undefined
  for (let round = 0; round <= gateway.config.maxRetries; round++) {
    const next = await reserveNext(gateway, request, search, record.id)
    if (next instanceof GatewayError) {
      if (last) {
        logFailover(gateway, last, 'no other backend can serve')
        break
      }
      throw next
    }
    const backend = next
    if (last) {
      gateway.metrics.recordFailover(last.backend.id, failureLabel(last.failure))
      logFailover(gateway, last, `switching to ${backend.id}`)
    }
    record.attempts++
    record.backend = backend.id
    const sentAt = performance.now()
    const cache = request.answerCache !== undefined && backend.isCacheable ? request.answerCache : undefined
    const plan = request.plan(backend)
    if (cache) plan.capturesAnswer = true
    const result = await sendAttempt(gateway, plan, request.client)
    const waitedMs = performance.now() - sentAt
    record.upstreamWaitMs += waitedMs
    if (gateway.logger.isVerbose) gateway.logger.debug(`#${record.id} ${backend.id} ${result.kind === 'failed' ? `failed (${result.failure.message})` : result.kind} after ${waitedMs.toFixed(1)}ms`)
    if (result.kind === 'client_gone') {
      finishRequest(gateway, record, { status: 499, usage: {}, isCutShort: true, errorMessage: 'client went away' })
      return new Response(null, { status: 499 })
    }
    if (result.kind === 'answered') {
      if (request.session) rememberSession(gateway, request.session, backend.id, record.id)
      const headers: Record<string, string> = { 'content-type': result.contentType, ...llmuxHeaders(record), ...windowHeadersOf(gateway, request.inbound, backend) }
      if (cache) headers['x-llmux-cache'] = 'miss'
      if (result.isStream) {
        headers['cache-control'] = 'no-cache'
        record.firstByteMs = performance.now() - record.startedAt
        void result.ended.then((end) => {
          if (cache && end.isComplete && end.answer) storeAnswer(gateway, cache, backend, end.answer)
          finishRequest(gateway, record, { status: 200, usage: end.usage, isCutShort: !end.isComplete, errorMessage: end.errorMessage, firstByteMs: record.firstByteMs })
        })
      } else {
        if (cache && result.answer) storeAnswer(gateway, cache, backend, result.answer)
        finishRequest(gateway, record, { status: 200, usage: result.usage, isCutShort: false })
      }
      return new Response(result.body, { status: 200, headers })
    }
    const verdict = classifyFailure(result.failure)
    if (verdict.shouldCoolDown) await gateway.store.setCooldown(backend.id, cooldownUntil(result.failure.retryAfterMs ?? backend.cooldownMs, gateway.now()))
    last = { backend, failure: result.failure }
    if (!verdict.isRetryable) break
    if (verdict.isContextLength) search.minContext = Math.max(search.minContext ?? 0, backend.context)
    if (round === gateway.config.maxRetries) logFailover(gateway, last, `giving up after max_retries = ${gateway.config.maxRetries}`)
  }
  const response = upstreamErrorResponse(request.inbound, last!.backend, last!.failure, llmuxHeaders(record))
  finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: last!.failure.message })
  return response
}

/** Where one request's search for a backend stands. */
interface Search {
  pool: readonly BackendConfig[]
  /** Backends tried, or refused by their reservation, in this request. */
  tried: Set<string>
  /** After a context-length failure, only larger contexts are tried. */
  minContext?: number
  /** The session's remembered backend, tried first while it fits. */
  preferred?: string
  /** The soonest a refused reservation frees (a shared store knew more than this instance's snapshot). */
  refusedFreesInMs?: number
}

/**
 * The next backend to send to: the router's first fitting candidate over this instance's snapshot,
 * whose reservation the store admits (the binding check, SPEC §12). A refused reservation moves on to
 * the next candidate without using up a retry; when none is left, the error the client gets.
 */
async function reserveNext(gateway: Gateway, request: FailoverRequest, search: Search, requestId: number): Promise<BackendConfig | GatewayError> {
  for (;;) {
    const now = gateway.now()
    const route = selectBackends(request.needs, search.pool, gateway.store.routing, now, {
      routing: gateway.config.routing,
      random: gateway.random,
      exclude: search.tried,
      minContext: search.minContext,
      purpose: request.purpose,
      preferred: search.preferred,
    })
    if (route.kind !== 'ok') return rejectionOf(route, request, search)
    const backend = route.candidates[0]
    if (gateway.logger.isVerbose) gateway.logger.debug(`#${requestId} route → ${backend.id}${route.skipped.length ? `; skipped ${route.skipped.map((skip) => `${skip.backend.id} (${skip.reason})`).join(', ')}` : ''}`)
    search.tried.add(backend.id)
    const reservation = await gateway.store.reserveAttempt(backend.id, backend.limits, now)
    if (reservation.isAdmitted) return backend
    search.refusedFreesInMs = Math.min(search.refusedFreesInMs ?? Infinity, reservation.freesInMs)
    if (gateway.logger.isVerbose) gateway.logger.debug(`#${requestId} ${backend.id} refused by the store (${reservation.isCoolingDown ? 'cooling down' : 'window full'}; frees in ${Math.ceil(reservation.freesInMs / 1000)} s)`)
  }
}

function rejectionOf(route: Exclude<ReturnType<typeof selectBackends>, { kind: 'ok' }>, request: FailoverRequest, search: Search): GatewayError {
  // Backends the store refused are at their limits too: a 429 for the soonest moment any frees.
  if (search.refusedFreesInMs !== undefined) {
    const retryAfterMs = Math.min(search.refusedFreesInMs, route.retryAfterMs ?? Infinity)
    return new GatewayError('rate_limited', `every fitting backend is at its limits; one frees in ${Math.ceil(retryAfterMs / 1000)}s`, { retryAfterMs })
  }
  const capability = route.kind === 'invalid_request' && route.unmet ? request.rejectedCapability?.(route.unmet) : undefined
  const message = capability ? `${route.message} (capability_rejected: ${capability})` : route.message
  return new GatewayError(route.kind, message, { retryAfterMs: route.retryAfterMs })
}

/**
 * The session sticks to the backend that answered (SPEC §5): refreshed on every answer, so it lives
 * `affinity_ttl` after the session's last request; a session whose backend could not serve moves and
 * sticks to its new one.
 */
function rememberSession(gateway: Gateway, session: { key: string; preferred?: string }, backendId: string, requestId: number): void {
  const result = session.preferred === undefined ? 'new' : session.preferred === backendId ? 'hit' : 'moved'
  gateway.metrics.recordAffinity(result)
  if (gateway.logger.isVerbose) gateway.logger.debug(`#${requestId} affinity ${result}: session → ${backendId}${result === 'moved' ? ` (was ${session.preferred})` : ''}`)
  void gateway.store.rememberAffinity(session.key, backendId, gateway.now(), gateway.config.affinityTtlMs)
}

/** The client protocol's headers for the tightest window of the backend that answered, if it has any limit. */
function windowHeadersOf(gateway: Gateway, inbound: Protocol, backend: BackendConfig): Record<string, string> | undefined {
  if (inbound.windowHeaders === undefined) return undefined
  const window = tightestWindow(backend.limits, gateway.store.routing.attempts.get(backend.id) ?? NO_ATTEMPTS, gateway.now())
  return window && inbound.windowHeaders(window)
}

const failureLabel = (failure: UpstreamFailure) => String(failure.status ?? (failure.isTimeout ? 'timeout' : 'connection'))

/** `failover 429: switching to <backend> (<provider message>)` (SPEC §8). */
function logFailover(gateway: Gateway, { failure }: { failure: UpstreamFailure }, outcome: string): void {
  gateway.logger.warn(`failover ${failureLabel(failure)}: ${outcome} (${failure.message})`)
}

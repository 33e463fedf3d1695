import type { AnswerCacheConfig, BackendConfig } from '../config/config.ts'
import type { ChatResponse } from '../ir/index.ts'
import { partsOfResponse } from '../ir/response-parts.ts'
import type { Protocol, StreamContext } from '../protocols/protocol.ts'
import { selectBackends } from '../routing/router.ts'
import type { Needs } from '../routing/needs.ts'
import { finishRequest, type RequestRecord } from './finish-request.ts'
import type { Gateway } from './gateway.ts'
import { llmuxHeaders } from './llmux-headers.ts'
import { answerContextOf, type ChatCall } from './plan-chat.ts'

/** What failover needs to fill the answer cache after a complete answer from a cacheable backend. */
export interface AnswerCacheFill {
  config: AnswerCacheConfig
  /** The key of this request's answer from that backend. */
  keyOf(backend: BackendConfig): string
  /** The backend the lookup chose (tried first, so that a miss fills the entry the next lookup reads). */
  firstChoice?: string
}

/** The cache key (SPEC §8): client protocol, backend, and the body apart from whether it streams. */
export function answerKeyOf(inbound: Protocol, backendId: string, json: Record<string, unknown>): string {
  const { stream: _stream, stream_options: _streamOptions, ...rest } = json
  const hasher = new Bun.CryptoHasher('sha256')
  hasher.update(`${inbound.name}\n${backendId}\n`)
  hasher.update(JSON.stringify(rest))
  return hasher.digest('hex')
}

/**
 * The answer cache's lookup, before any attempt (SPEC §8): the router's first choice, without a
 * reservation; when it allows caching and the store has this request's answer, the client gets it
 * (streamed or not as asked, in its protocol) and the request is finished as a cache hit: no attempt,
 * no spend. Otherwise, what failover needs to fill the entry; undefined when the cache is off.
 */
export async function lookUpAnswer(
  gateway: Gateway,
  call: ChatCall,
  needs: Needs,
  preferred: string | undefined,
  record: RequestRecord,
): Promise<Response | AnswerCacheFill | undefined> {
  const config = gateway.config.answerCache
  if (config === undefined) return undefined
  const nowMs = gateway.now()
  const route = selectBackends(needs, gateway.backends, gateway.store.routing, nowMs, {
    routing: gateway.config.routing,
    random: gateway.random,
    purpose: 'chat',
    preferred,
  })
  const fill: AnswerCacheFill = { config, keyOf: (backend) => answerKeyOf(call.inbound, backend.id, call.body.json) }
  if (route.kind !== 'ok') return fill
  const backend = route.candidates[0]
  fill.firstChoice = backend.id
  if (!backend.isCacheable) return fill
  const stored = await gateway.store.cachedAnswer(fill.keyOf(backend), nowMs)
  const answer = stored === undefined ? undefined : answerOf(stored)
  if (answer === undefined) return fill
  if (gateway.logger.isVerbose) gateway.logger.debug(`#${record.id} answer cache hit (${backend.id})`)
  record.backend = backend.id
  const response = replay(call.inbound, answer, answerContextOf(call, backend, nowMs), call.chat.isStreaming, record)
  finishRequest(gateway, record, { status: 200, usage: {}, isCutShort: false, isCacheHit: true, firstByteMs: performance.now() - record.startedAt })
  return response
}

/** Stores a complete answer from a cacheable backend; a failure to store only costs a later miss. */
export function storeAnswer(gateway: Gateway, fill: AnswerCacheFill, backend: BackendConfig, answer: ChatResponse): void {
  if (!backend.isCacheable) return
  const { ttlMs, maxEntries } = fill.config
  gateway.store.cacheAnswer(fill.keyOf(backend), JSON.stringify(answer), gateway.now(), ttlMs, maxEntries).catch((error: unknown) => {
    gateway.logger.warn(`answer cache: could not store an answer (${String(error)})`)
  })
}

/** A stored value back into an answer; anything unreadable counts as a miss. */
function answerOf(stored: string): ChatResponse | undefined {
  try {
    const value: unknown = JSON.parse(stored)
    if (typeof value !== 'object' || value === null || !Array.isArray((value as { content?: unknown }).content)) return undefined
    return value as ChatResponse
  } catch {
    return undefined
  }
}

function replay(inbound: Protocol, answer: ChatResponse, context: StreamContext, isStreaming: boolean, record: RequestRecord): Response {
  const headers: Record<string, string> = { ...llmuxHeaders(record), 'x-llmux-cache': 'hit' }
  if (!isStreaming) {
    headers['content-type'] = 'application/json'
    return new Response(JSON.stringify(inbound.encodeResponse(answer, context)), { status: 200, headers })
  }
  const encoder = inbound.streamEncoder(context)
  const events: string[] = []
  for (const part of partsOfResponse(answer)) events.push(...encoder.push(part))
  events.push(...encoder.end())
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-cache'
  return new Response(events.join(''), { status: 200, headers })
}

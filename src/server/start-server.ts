import type { Server } from 'bun'
import type { Config } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import { handleChat } from '../gateway/handle-chat.ts'
import { handleCountTokens } from '../gateway/count-tokens.ts'
import { handleCompletions } from '../gateway/handle-completions.ts'
import { handleEmbeddings } from '../gateway/handle-embeddings.ts'
import type { Gateway } from '../gateway/gateway.ts'
import { codexCatalog } from '../gateway/codex-catalog.ts'
import { listModels } from '../gateway/list-models.ts'
import { errorResponse } from '../gateway/respond.ts'
import { createLogger, type Logger } from '../logger.ts'
import { anthropic } from '../protocols/anthropic/index.ts'
import { openai } from '../protocols/openai/index.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { openStore } from '../store/open-store.ts'
import type { Store } from '../store/store.ts'
import { StreamWatch } from '../gateway/streams/stream-watch.ts'
import { AttemptTimers } from '../upstream/attempt-timers.ts'
import { Metrics } from '../metrics/metrics.ts'
import { renderState } from '../metrics/render-state.ts'
import { clientProtocols } from '../protocols/registry.ts'
import { createGateway } from './create-gateway.ts'
import { reloadGateway, type GatewayHolder, type ReloadResult } from './reload.ts'
import { responses } from '../protocols/responses/index.ts'
import { login, statusHtml, statusJson } from './status-routes.ts'

export interface StartOptions {
  logger?: Logger
  /** Defaults to the store named in the config. */
  store?: Store
  now?: () => number
  random?: () => number
  /** Ping interval for silent translated streams; default 10 s. */
  pingMs?: number
}

export interface RunningServer {
  url: string
  port: number
  /** The gateway new requests are served by (a reload replaces it). */
  readonly gateway: Gateway
  /**
   * Serves new requests from `config`; requests in flight finish on the old one, and the store (windows,
   * cooldowns), metrics and timers carry over. Settings that need a restart keep their running values.
   */
  reload(config: Config): ReloadResult
  /**
   * Drains (SPEC §13): stops accepting and lets in-flight requests and streams finish for at most
   * `graceMs`; a stream still open then ends with one error event in its client's protocol. Closes the store.
   */
  stop(graceMs?: number): Promise<void>
}

/** After the grace period: how long ended streams get to write their error event and close. */
const CLOSE_STREAMS_MS = 1000

/** Creates the gateway state and serves it (SPEC §4). */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const store = options.store ?? openStore(config.store, { failure: config.storeFailure, log: logger })
  let requestCount = 0
  const now = options.now ?? Date.now
  const startedAtMs = now()
  const parts = {
    logger,
    store,
    metrics: new Metrics(),
    attemptTimers: new AttemptTimers(),
    streamWatch: new StreamWatch(options.pingMs ?? 10_000, config.streamIdleTimeoutMs, now),
    now,
    random: options.random ?? Math.random,
    nextRequestId: () => ++requestCount,
  }
  // Every route reads the holder once per request: a reload serves the next request, not this one.
  const holder: GatewayHolder = { current: createGateway(config, parts), parts }
  const chat = (protocol: Protocol) => (request: Request, server: Server<unknown>) => {
    // Bun's idle timeout must not cut a model that thinks for minutes; stream_idle_timeout bounds silence.
    server.timeout(request, 0)
    return handleChat(holder.current, request, protocol)
  }
  // One door per client protocol (SPEC §4), from the registry.
  const doors = Object.fromEntries(clientProtocols.map((protocol) => [protocol.route, { POST: chat(protocol) }]))
  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    // Out of the way: readJsonBody enforces max_body_mb as it reads, so the 413 is in the caller's protocol.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    ...(config.tls && {
      tls: { key: Bun.file(config.tls.keyFile), cert: Bun.file(config.tls.certFile), ...(config.tls.caFile && { ca: Bun.file(config.tls.caFile) }) },
    }),
    routes: {
      '/health': { GET: () => health(store) },
      ...doors,
      // Codex tries a WebSocket first; a 426 at once makes it fall back to HTTP without delay (SPEC §4).
      [responses.route]: { ...doors[responses.route], GET: () => webSocketRefused() },
      [`${responses.route}/compact`]: { POST: (request: Request) => handleChat(holder.current, request, responses, true) },
      '/v1/messages/count_tokens': { POST: (request) => handleCountTokens(holder.current, request, anthropic) },
      '/v1/embeddings': { POST: (request) => handleEmbeddings(holder.current, request) },
      '/v1/completions': { POST: (request, server) => (server.timeout(request, 0), handleCompletions(holder.current, request)) },
      '/v1/models': { GET: (request) => models(holder.current, request) },
      '/metrics': { GET: (request) => metrics(holder.current, request) },
      '/status': { GET: (request) => statusJson(holder.current, request, startedAtMs) },
      '/': { GET: (request) => statusHtml(holder.current, request, startedAtMs) },
      '/login': { POST: (request) => login(holder.current, request) },
    },
    fetch: (request) => notFound(request),
    error: (error) => {
      logger.error(`unexpected error: ${error.message}`)
      return errorResponse(openai, new GatewayError('api_error', 'internal error in llmux'))
    },
  })
  const scheme = config.tls ? 'https' : 'http'
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  let isStopping = false
  let stopping: Promise<void> | undefined
  return {
    url: `${scheme}://${host}:${server.port}`,
    port: server.port!,
    get gateway() {
      return holder.current
    },
    reload(next) {
      if (isStopping) return { isReloaded: false, reason: 'llmux is shutting down' }
      return reloadGateway(holder, next)
    },
    stop(graceMs = 10_000) {
      // A second stop (a second signal, a test's cleanup) waits on the first.
      stopping ??= drain(graceMs)
      return stopping
    },
  }

  async function drain(graceMs: number): Promise<void> {
    isStopping = true
    // Stop accepting; idle keep-alive connections must not hold shutdown, so wait on requests, not sockets.
    void server.stop(false)
    await whilePending(server, graceMs)
    // Streams still open get one error event in their client's protocol and close cleanly, not a reset.
    if (parts.streamWatch.size > 0) {
      logger.warn(`drain: ending ${parts.streamWatch.size} open stream${parts.streamWatch.size === 1 ? '' : 's'} after ${graceMs} ms`)
      parts.streamWatch.shutdown(new GatewayError('unavailable', 'llmux is shutting down; the stream was ended before it finished'))
      await whilePending(server, CLOSE_STREAMS_MS)
    }
    await server.stop(true)
    await store.close()
  }
}

/** Waits (bounded) until the server has no request in flight: answered, and streamed bodies closed. */
async function whilePending(server: Server<unknown>, boundMs: number): Promise<void> {
  const deadline = performance.now() + boundMs
  while (server.pendingRequests > 0 && performance.now() < deadline) await Bun.sleep(Math.min(20, Math.max(1, deadline - performance.now())))
}

function models(gateway: Gateway, request: Request): Response {
  const isAnthropic = request.headers.has('anthropic-version')
  try {
    gateway.authenticator.authenticate(request.headers)
    const routable = gateway.backends.filter((backend) => !backend.provider.isDisabled && !backend.isEmbeddings)
    // Codex asks with its version and reads its own catalog shape (SPEC §4).
    if (new URL(request.url).searchParams.has('client_version')) return Response.json(codexCatalog(routable))
    return Response.json(listModels(routable, isAnthropic))
  } catch (error) {
    return errorResponse(isAnthropic ? anthropic : openai, error)
  }
}

/** GET /metrics: Prometheus text; needs a token when tokens are configured (SPEC §4). */
function metrics(gateway: Gateway, request: Request): Response {
  try {
    gateway.authenticator.authenticate(request.headers)
  } catch (error) {
    return errorResponse(openai, error)
  }
  const text = `${gateway.metrics.render()}\n${renderState(gateway.backends, gateway.config.tokens, gateway.store, gateway.now())}\n`
  return new Response(text, { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } })
}

/**
 * GET /health: liveness, no auth, nothing about backends. A shared store that cannot be reached shows
 * here (SPEC §12): "degraded" while serving on local state, "down" (503) while refusing requests.
 */
function health(store: Store): Response {
  if (store.health === 'down') return Response.json({ status: 'down' }, { status: 503 })
  return Response.json({ status: store.health })
}

/** WebSocket upgrades of the Responses door: llmux serves Responses over HTTP only. */
function webSocketRefused(): Response {
  const error = new GatewayError('invalid_request', 'llmux serves the Responses API over HTTP only; WebSocket upgrades are refused', { status: 426 })
  return errorResponse(responses, error)
}

/** Unknown paths and methods: 404 in the protocol the caller seems to speak. */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url)
  const isAnthropic = pathname.startsWith('/v1/messages') || request.headers.has('anthropic-version')
  return errorResponse(isAnthropic ? anthropic : openai, new GatewayError('not_found', `no route for ${request.method} ${pathname}`))
}

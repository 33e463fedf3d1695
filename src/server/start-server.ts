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
import { baseHeadersOf } from '../upstream/endpoint.ts'
import { openStore } from '../store/open-store.ts'
import type { Store } from '../store/store.ts'
import { createAuthenticator } from './auth.ts'
import { StreamWatch } from '../gateway/streams/stream-watch.ts'
import { AttemptTimers } from '../upstream/attempt-timers.ts'
import { Metrics } from '../metrics/metrics.ts'
import { renderState } from '../metrics/render-state.ts'
import { backendCodecs, clientProtocols } from '../protocols/registry.ts'
import { responses } from '../protocols/responses/index.ts'

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
  gateway: Gateway
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), closes the store. */
  stop(graceMs?: number): Promise<void>
}

/** Creates the gateway state and serves it (SPEC §4). */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const store = options.store ?? openStore(config.store, { failure: config.storeFailure, log: logger })
  let requestCount = 0
  const gateway: Gateway = {
    config,
    backends: config.backends,
    backendById: new Map(config.backends.map((backend) => [backend.id, backend])),
    hasTraitRules: config.backends.some((backend) => backend.when.length > 0),
    metrics: new Metrics(),
    logger,
    store,
    authenticator: createAuthenticator(config.tokens),
    codecs: backendCodecs,
    providerHeaders: new Map(Object.values(config.providers).map((provider) => [provider.name, baseHeadersOf(provider)])),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    attemptTimers: new AttemptTimers(),
    streamWatch: new StreamWatch(options.pingMs ?? 10_000, config.streamIdleTimeoutMs, options.now ?? Date.now),
    nextRequestId: () => ++requestCount,
  }
  const chat = (protocol: Protocol) => (request: Request, server: Server<unknown>) => {
    // Bun's idle timeout must not cut a model that thinks for minutes; stream_idle_timeout bounds silence.
    server.timeout(request, 0)
    return handleChat(gateway, request, protocol)
  }
  // One door per client protocol (SPEC §4), from the registry.
  const doors = Object.fromEntries(clientProtocols.map((protocol) => [protocol.route, { POST: chat(protocol) }]))
  const server = Bun.serve({
    hostname: config.host,
    port: config.port,
    // A little above max_body_mb so llmux, not Bun, answers the 413 in the caller's protocol.
    maxRequestBodySize: config.maxBodyBytes + 1024 * 1024,
    ...(config.tls && {
      tls: { key: Bun.file(config.tls.keyFile), cert: Bun.file(config.tls.certFile), ...(config.tls.caFile && { ca: Bun.file(config.tls.caFile) }) },
    }),
    routes: {
      '/health': { GET: () => health(store) },
      ...doors,
      // Codex tries a WebSocket first; a 426 at once makes it fall back to HTTP without delay (SPEC §4).
      [responses.route]: { ...doors[responses.route], GET: () => webSocketRefused() },
      [`${responses.route}/compact`]: { POST: (request: Request) => handleChat(gateway, request, responses, true) },
      '/v1/messages/count_tokens': { POST: (request) => handleCountTokens(gateway, request, anthropic) },
      '/v1/embeddings': { POST: (request) => handleEmbeddings(gateway, request) },
      '/v1/completions': { POST: (request, server) => (server.timeout(request, 0), handleCompletions(gateway, request)) },
      '/v1/models': { GET: (request) => models(gateway, request) },
      '/metrics': { GET: (request) => metrics(gateway, request) },
    },
    fetch: (request) => notFound(request),
    error: (error) => {
      logger.error(`unexpected error: ${error.message}`)
      return errorResponse(openai, new GatewayError('api_error', 'internal error in llmux'))
    },
  })
  const scheme = config.tls ? 'https' : 'http'
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  return {
    url: `${scheme}://${host}:${server.port}`,
    port: server.port!,
    gateway,
    async stop(graceMs = 10_000) {
      // Stop accepting; idle keep-alive connections must not hold shutdown, so wait on requests, not sockets.
      void server.stop(false)
      const deadline = performance.now() + graceMs
      while (server.pendingRequests > 0 && performance.now() < deadline) await Bun.sleep(20)
      await server.stop(true)
      await store.close()
    },
  }
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

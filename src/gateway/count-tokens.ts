import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { needsOf } from '../routing/needs.ts'
import { selectBackends } from '../routing/router.ts'
import { readJsonBody } from '../server/read-body.ts'
import { callBackend } from '../upstream/call-backend.ts'
import { urlOf, withClientHeaders } from '../upstream/endpoint.ts'
import type { Gateway } from './gateway.ts'
import { errorResponse } from './respond.ts'

/**
 * POST /v1/messages/count_tokens (SPEC §4): forwarded when the backend that would serve the request is
 * Anthropic (exact), otherwise llmux's own estimate. Clients call it in bursts, so the estimate path
 * does no I/O and records nothing.
 */
export async function handleCountTokens(gateway: Gateway, request: Request, anthropic: Protocol): Promise<Response> {
  const startedAt = performance.now()
  let upstreamWaitMs = 0
  // What llmux itself spent (SPEC §4), on every answer including this one.
  const overhead = () => ({ 'x-llmux-overhead-ms': (performance.now() - startedAt - upstreamWaitMs).toFixed(3) })
  try {
    gateway.authenticator.authenticate(request.headers)
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    // count_tokens bodies have no max_tokens; decode as a Messages request.
    const chat = anthropic.decodeRequest(body.json)
    const needs = needsOf(chat, undefined, gateway.hasTraitRules)
    const route = selectBackends(needs, gateway.backends, gateway.store.routing, gateway.now(), { routing: 'ordered', random: gateway.random })
    const backend = route.kind === 'ok' ? route.candidates[0] : undefined
    if (backend?.provider.type === 'anthropic') {
      const sentAt = performance.now()
      const forwarded = await forward(gateway, request, body.text, body.json, backend)
      upstreamWaitMs = performance.now() - sentAt
      if (forwarded) return new Response(forwarded, { headers: { 'content-type': 'application/json', 'x-llmux-backend': backend.id, ...overhead() } })
    }
    return Response.json({ input_tokens: needs.estimatedTokens }, { headers: overhead() })
  } catch (error) {
    return errorResponse(anthropic, error, overhead())
  }
}

/** The upstream's exact count as JSON text, or undefined when it could not give one. */
async function forward(gateway: Gateway, request: Request, text: string, json: Record<string, unknown>, backend: Gateway['backends'][number]): Promise<string | undefined> {
  const body = json.model === backend.model ? text : JSON.stringify({ ...json, model: backend.model })
  const headers = withClientHeaders(gateway.providerHeaders.get(backend.provider.name) ?? {}, backend.provider, request.headers)
  const attempt = gateway.attemptTimers.start(request.signal, gateway.config.requestTimeoutMs)
  const call = await callBackend(backend.provider, { url: urlOf(backend.provider, 'count_tokens'), headers, body }, attempt, gateway.now())
  try {
    if (call.kind === 'client_gone') throw new GatewayError('api_error', 'client went away')
    // An upstream that cannot count right now still gets the client an estimate.
    if (call.kind !== 'response' || !call.response.ok) return undefined
    return await call.response.text()
  } finally {
    attempt.release()
  }
}

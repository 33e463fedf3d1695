import { GatewayError } from '../errors.ts'
import type { Protocol } from '../protocols/protocol.ts'
import { needsOf } from '../routing/needs.ts'
import { selectBackends } from '../routing/router.ts'
import { readJsonBody } from '../server/read-body.ts'
import { attemptSignal } from '../upstream/attempt-signal.ts'
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
  try {
    gateway.authenticator.authenticate(request.headers)
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    // count_tokens bodies have no max_tokens; decode as a Messages request.
    const chat = anthropic.decodeRequest(body.json)
    const needs = needsOf(chat)
    const route = selectBackends(needs, gateway.backends, gateway.store.routing, gateway.now(), { routing: 'ordered', random: gateway.random })
    const backend = route.kind === 'ok' ? route.candidates[0] : undefined
    if (backend?.provider.type === 'anthropic') {
      const forwarded = await forward(gateway, request, body.text, body.json, backend)
      if (forwarded) return forwarded
    }
    return Response.json({ input_tokens: needs.estimatedTokens })
  } catch (error) {
    return errorResponse(anthropic, error)
  }
}

async function forward(gateway: Gateway, request: Request, text: string, json: Record<string, unknown>, backend: NonNullable<Gateway['backends'][number]>): Promise<Response | undefined> {
  const body = json.model === backend.model ? text : JSON.stringify({ ...json, model: backend.model })
  const headers = withClientHeaders(gateway.providerHeaders.get(backend.provider.name) ?? {}, backend.provider, request.headers)
  const attempt = attemptSignal(request.signal, gateway.config.requestTimeoutMs)
  const call = await callBackend(backend.provider, { url: urlOf(backend.provider, 'count_tokens'), headers, body }, attempt, gateway.now())
  attempt.disarm()
  if (call.kind === 'client_gone') throw new GatewayError('api_error', 'client went away')
  // An upstream that cannot count right now still gets the client an estimate.
  if (call.kind !== 'response' || !call.response.ok) return undefined
  return new Response(await call.response.text(), { headers: { 'content-type': 'application/json' } })
}

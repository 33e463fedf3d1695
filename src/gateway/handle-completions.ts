import { GatewayError } from '../errors.ts'
import { backendProtocolOf } from '../providers/protocol-of.ts'
import { openai } from '../protocols/openai/index.ts'
import { readJsonBody } from '../server/read-body.ts'
import { admitClient } from './client-limits.ts'
import { answerWithFailover } from './failover.ts'
import { finishRequest, newRecord } from './finish-request.ts'
import type { Gateway } from './gateway.ts'
import { llmuxHeaders } from './llmux-headers.ts'
import { plainNeeds, textsOf } from './plain-needs.ts'
import { passthroughBodyOf } from './request-body.ts'
import { errorResponse } from './respond.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/**
 * POST /v1/completions (legacy text completions): routed like chat, but only to OpenAI-protocol
 * backends, which serve it natively; the body and the answer pass through. (The mock provider and
 * Anthropic/Gemini have no such endpoint.)
 */
export async function handleCompletions(gateway: Gateway, request: Request): Promise<Response> {
  const record = newRecord(gateway, 'openai')
  try {
    const client = gateway.authenticator.authenticate(request.headers)
    record.client = client?.name
    const body = await readJsonBody(request, gateway.config.maxBodyBytes)
    const { model, prompt } = body.json
    if (typeof model !== 'string') throw new GatewayError('invalid_request', 'model: expected a string', { param: 'model' })
    const texts = textsOf(prompt)
    if (texts === undefined) throw new GatewayError('invalid_request', 'prompt: expected a string, an array of strings, or token ids', { param: 'prompt' })
    record.requestedModel = model
    if (client) admitClient(gateway.store, client, gateway.now())
    const isStreaming = body.json.stream === true
    return await answerWithFailover(
      gateway,
      {
        inbound: openai,
        needs: plainNeeds(model, texts),
        client: request,
        purpose: 'chat',
        isEligible: (backend) => backendProtocolOf(backend.provider.type) === 'openai' && backend.provider.type !== 'mock',
        plan: (backend) => ({
          backend,
          codec: openai,
          inbound: openai,
          url: upstreamUrlOf(backend, 'completions', isStreaming),
          body: passthroughBodyOf(backend, body),
          isStreaming,
        }),
      },
      record,
    )
  } catch (error) {
    const response = errorResponse(openai, error, llmuxHeaders(record))
    finishRequest(gateway, record, { status: response.status, usage: {}, isCutShort: false, errorMessage: (error as Error).message })
    return response
  }
}

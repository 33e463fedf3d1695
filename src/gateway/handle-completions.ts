import { GatewayError } from '../errors.ts'
import { openai } from '../protocols/openai/index.ts'
import { answerWithFailover } from './failover.ts'
import type { Gateway } from './gateway.ts'
import { plainNeeds, textsOf } from './plain-needs.ts'
import { passthroughBodyOf } from './request-body.ts'
import { serveRequest } from './serve-request.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/**
 * POST /v1/completions (legacy text completions): routed like chat, but only to OpenAI-protocol
 * backends, which serve it natively; the body and the answer pass through. (The mock provider and
 * Anthropic/Gemini have no such endpoint.)
 */
export function handleCompletions(gateway: Gateway, request: Request): Promise<Response> {
  return serveRequest(gateway, request, '/v1/completions', openai, async ({ record, body, admit }) => {
    const { model, prompt } = body.json
    if (typeof model !== 'string') throw new GatewayError('invalid_request', 'model: expected a string', { param: 'model' })
    const texts = textsOf(prompt)
    if (texts === undefined) throw new GatewayError('invalid_request', 'prompt: expected a string, an array of strings, or token ids', { param: 'prompt' })
    await admit(model)
    const isStreaming = body.json.stream === true
    return answerWithFailover(
      gateway,
      {
        inbound: openai,
        needs: plainNeeds(model, texts),
        client: request,
        purpose: 'chat',
        isEligible: (backend) => backend.protocol === 'openai' && backend.provider.type !== 'mock',
        plan: (backend) => ({
          backend,
          codec: openai,
          inbound: openai,
          url: upstreamUrlOf(backend, 'completions', isStreaming),
          body: passthroughBodyOf(backend, openai, body),
          isStreaming,
        }),
      },
      record,
    )
  })
}

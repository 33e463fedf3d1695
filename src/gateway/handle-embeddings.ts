import type { BackendConfig } from '../config/config.ts'
import { GatewayError } from '../errors.ts'
import { gemini } from '../protocols/gemini/index.ts'
import { openai } from '../protocols/openai/index.ts'
import type { JsonBody } from '../server/read-body.ts'
import type { AttemptPlan } from './attempt.ts'
import { answerWithFailover } from './failover.ts'
import type { Gateway } from './gateway.ts'
import { plainNeeds, textsOf } from './plain-needs.ts'
import { passthroughBodyOf } from './request-body.ts'
import { serveRequest } from './serve-request.ts'
import { upstreamUrlOf } from './upstream-url.ts'

/**
 * POST /v1/embeddings (SPEC §4, §9): routed only to backends marked `embeddings = true`. OpenAI-type
 * backends get the body as sent (so `encoding_format: "base64"`, the openai SDK's default, is theirs to
 * honour); Gemini gets batchEmbedContents and llmux builds the OpenAI answer, base64 included.
 */
export function handleEmbeddings(gateway: Gateway, request: Request): Promise<Response> {
  return serveRequest(gateway, request, '/v1/embeddings', openai, async ({ record, body, admit }) => {
    const { model, input } = body.json
    if (typeof model !== 'string') throw new GatewayError('invalid_request', 'model: expected a string', { param: 'model' })
    const texts = textsOf(input)
    if (texts === undefined) throw new GatewayError('invalid_request', 'input: expected a string, an array of strings, or token ids', { param: 'input' })
    await admit(model)
    const needs = plainNeeds(model, texts)
    const isTokenIds = typeof input !== 'string' && !(input as unknown[]).every((item) => typeof item === 'string')
    return answerWithFailover(
      gateway,
      {
        inbound: openai,
        needs,
        client: request,
        purpose: 'embeddings',
        // Gemini embeds text only; token-id input needs an OpenAI-type backend.
        isEligible: (backend) => backend.provider.type !== 'anthropic' && !(isTokenIds && backend.provider.type === 'gemini'),
        plan: (backend) => planEmbeddings(backend, body, texts, needs.estimatedTokens),
      },
      record,
    )
  })
}

function planEmbeddings(backend: BackendConfig, body: JsonBody, texts: string[], estimatedTokens: number): AttemptPlan {
  const url = upstreamUrlOf(backend, 'embeddings', false)
  if (backend.provider.type !== 'gemini') {
    return { backend, codec: openai, inbound: openai, url, body: passthroughBodyOf(backend, openai, body), isStreaming: false }
  }
  const dimensions = typeof body.json.dimensions === 'number' ? body.json.dimensions : undefined
  const isBase64 = body.json.encoding_format === 'base64'
  return {
    backend,
    codec: gemini,
    inbound: openai,
    url,
    body: JSON.stringify(gemini.encodeEmbeddingsRequest(texts, backend.model, dimensions)),
    isStreaming: false,
    translation: {
      whole: (json) => {
        const vectors = gemini.decodeEmbeddingsResponse(json)
        const data = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: isBase64 ? base64Of(vector) : vector }))
        // batchEmbedContents reports no token counts: the client sees llmux's estimate, the usage log records none.
        const answer = { object: 'list', data, model: backend.model, usage: { prompt_tokens: estimatedTokens, total_tokens: estimatedTokens } }
        return { body: JSON.stringify(answer), usage: {} }
      },
    },
  }
}

/** OpenAI's base64 embedding: the float32 little-endian bytes of the vector. */
function base64Of(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}

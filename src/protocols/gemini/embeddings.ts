import { GatewayError } from '../../errors.ts'
import { isObject, objectsOf } from './narrow.ts'
import type { GeminiEmbedRequest } from './wire.ts'

const resourceNameOf = (model: string): string => (model.startsWith('models/') ? model : `models/${model}`)

/**
 * The body of models/{model}:batchEmbedContents: one request per input, each naming the same model
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents). `dimensions` (OpenAI's
 * field) becomes outputDimensionality.
 */
export function encodeEmbeddingsRequest(inputs: string[], model: string, dimensions?: number): GeminiEmbedRequest {
  const name = resourceNameOf(model)
  return {
    requests: inputs.map((text) => ({
      model: name,
      content: { parts: [{ text }] },
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
    })),
  }
}

/** The vectors of a batchEmbedContents response, in input order. */
export function decodeEmbeddingsResponse(body: unknown): number[][] {
  const embeddings = isObject(body) && Array.isArray(body.embeddings) ? objectsOf(body.embeddings) : undefined
  if (embeddings === undefined) throw new GatewayError('bad_gateway', 'Gemini embeddings answer has no embeddings list')
  return embeddings.map((embedding, index) => {
    const values = embedding.values
    if (!Array.isArray(values) || !values.every((value) => typeof value === 'number')) {
      throw new GatewayError('bad_gateway', `Gemini embedding ${index} has no list of numbers`)
    }
    return values
  })
}

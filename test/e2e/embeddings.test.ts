import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { openaiCompletion, sseResponse, startMockUpstream, type MockUpstream, type SeenRequest } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** Vector i of a batch; float32 cannot hold these exactly, so comparisons allow for that. */
const vectorOf = (index: number) => [0.1 * (index + 1), -0.25, 1 / 3 + index]
const base64Of = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString('base64')
const inputsOf = (input: unknown): unknown[] => (Array.isArray(input) ? input : [input])

/** An OpenAI-type upstream: embeddings (base64 when asked), chat, and legacy text completions. */
function openaiAnswer(request: SeenRequest): Response {
  if (request.path === '/v1/embeddings') {
    const isBase64 = request.body.encoding_format === 'base64'
    const data = inputsOf(request.body.input).map((_, index) => ({ object: 'embedding', index, embedding: isBase64 ? base64Of(vectorOf(index)) : vectorOf(index) }))
    return Response.json({ object: 'list', data, model: request.body.model, usage: { prompt_tokens: 4, total_tokens: 4 } })
  }
  if (request.path === '/v1/completions') {
    const choice = (text: string, finish: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finish })
    const body = (choices: unknown[], extra = {}) => ({ id: 'cmpl-1', object: 'text_completion', created: 1700000000, model: request.body.model, choices, ...extra })
    if (request.body.stream !== true) return Response.json(body([choice(' world', 'stop')], { usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } }))
    return sseResponse([`data: ${JSON.stringify(body([choice(' wor', null)]))}\n\n`, `data: ${JSON.stringify(body([choice('ld', 'stop')]))}\n\n`, 'data: [DONE]\n\n'])
  }
  if (request.path === '/v1/chat/completions') return Response.json(openaiCompletion('a chat answer'))
  return Response.json({ error: { message: `no route ${request.path}`, type: 'invalid_request_error' } }, { status: 404 })
}

/** Gemini's batchEmbedContents (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents): one embedding per request, in order. */
function geminiAnswer(request: SeenRequest): Response {
  if (request.headers['x-goog-api-key'] !== 'g-key') return Response.json({ error: { code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT' } }, { status: 400 })
  if (request.path !== '/v1beta/models/gemini-embedding-001:batchEmbedContents') return Response.json({ error: { code: 404, message: 'not found', status: 'NOT_FOUND' } }, { status: 404 })
  const requests = request.body.requests as unknown[]
  return Response.json({ embeddings: requests.map((_, index) => ({ values: vectorOf(index) })) })
}

let oai: MockUpstream
let gem: MockUpstream
let gateway: RunningServer

const providers = () => `
[provider.oai]
type = "openai"
base_url = "${oai.url}/v1"
api_key = "sk-emb"

[provider.gemini]
api_key = "g-key"
base_url = "${gem.url}/v1beta"
`
const chatBackend = '\n[[backend]]\nmodel = "oai:gpt-4o-mini"\n'
const embeddingBackends = '\n[[backend]]\nmodel = "oai:text-embedding-3-small"\nembeddings = true\n\n[[backend]]\nmodel = "gemini:gemini-embedding-001"\nembeddings = true\n'

beforeAll(async () => {
  oai = startMockUpstream(openaiAnswer)
  gem = startMockUpstream(geminiAnswer)
  // The chat backend comes first: a request routed without regard to purpose would land on it.
  gateway = await startGateway(providers() + chatBackend + embeddingBackends)
})
afterAll(async () => {
  await gateway.stop()
  await oai.stop()
  await gem.stop()
})

const clientOf = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 })
const client = () => clientOf(gateway.url)

function expectVectors(data: { index: number; embedding: number[] }[], count: number) {
  expect(data.map((item) => item.index)).toEqual([...Array(count).keys()])
  data.forEach((item, index) => {
    expect(item.embedding).toHaveLength(3)
    item.embedding.forEach((value, i) => expect(value).toBeCloseTo(vectorOf(index)[i], 6))
  })
}

describe('POST /v1/embeddings through the openai SDK', () => {
  test('OpenAI-type backend: the SDK asks for base64 and gets the right floats', async () => {
    const result = await client().embeddings.create({ model: 'oai:text-embedding-3-small', input: ['alpha', 'beta'] })
    expectVectors(result.data, 2)
    const sent = oai.seen.at(-1)!
    expect(sent.path).toBe('/v1/embeddings')
    expect(sent.headers.authorization).toBe('Bearer sk-emb')
    expect(sent.body).toMatchObject({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'base64' })
  })

  test('OpenAI-type backend: encoding_format "float" is passed on and answered with floats', async () => {
    const result = await client().embeddings.create({ model: 'oai:text-embedding-3-small', input: 'alpha', encoding_format: 'float' })
    expectVectors(result.data, 1)
    expect(oai.seen.at(-1)!.body.encoding_format).toBe('float')
  })

  test('Gemini backend: batchEmbedContents with one request per input, answered as base64 the SDK decodes', async () => {
    const result = await client().embeddings.create({ model: 'gemini:gemini-embedding-001', input: ['alpha', 'beta'], dimensions: 3 })
    expect(result.object).toBe('list')
    expectVectors(result.data, 2)
    expect(result.usage.prompt_tokens).toBeGreaterThan(0)
    const sent = gem.seen.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents')
    expect(sent.headers['x-goog-api-key']).toBe('g-key')
    expect(sent.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'alpha' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'beta' }] }, outputDimensionality: 3 },
      ],
    })
  })

  test('Gemini backend: encoding_format "float" gets plain floats', async () => {
    const result = await client().embeddings.create({ model: 'gemini:gemini-embedding-001', input: 'alpha', encoding_format: 'float' })
    expect(Array.isArray(result.data[0].embedding)).toBe(true)
    expectVectors(result.data, 1)
  })

  test('token-id input skips Gemini (text only) for an OpenAI-type embeddings backend', async () => {
    const { response } = await client().embeddings.create({ model: 'gemini:gemini-embedding-001', input: [[1, 2, 3]] }).withResponse()
    expect(response.headers.get('x-llmux-backend')).toBe('oai:text-embedding-3-small')
  })

  test('embeddings never go to a chat backend, even when it comes first', async () => {
    const chatCallsBefore = oai.seen.filter((request) => request.path === '/v1/chat/completions').length
    const { response } = await client().embeddings.create({ model: 'some-embedding-model', input: 'alpha' }).withResponse()
    expect(response.headers.get('x-llmux-backend')).toBe('oai:text-embedding-3-small')
    expect(oai.seen.filter((request) => request.path === '/v1/chat/completions')).toHaveLength(chatCallsBefore)

    const chatOnly = await startGateway(providers() + chatBackend)
    try {
      const error = await clientOf(chatOnly.url).embeddings.create({ model: 'oai:gpt-4o-mini', input: 'alpha' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    } finally {
      await chatOnly.stop()
    }
  })
})

describe('chat never goes to an embeddings backend', () => {
  test('named exactly, the embeddings backend is passed over for the chat backend', async () => {
    const { data, response } = await client().chat.completions.create({ model: 'oai:text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }).withResponse()
    expect(data.choices[0].message.content).toBe('a chat answer')
    expect(response.headers.get('x-llmux-backend')).toBe('oai:gpt-4o-mini')
    expect(oai.seen.at(-1)!.body.model).toBe('gpt-4o-mini')
  })

  test('with only embeddings backends, a chat request gets a 400 and no upstream call', async () => {
    const embeddingsOnly = await startGateway(providers() + embeddingBackends)
    const callsBefore = oai.seen.length + gem.seen.length
    try {
      const error = await clientOf(embeddingsOnly.url).chat.completions.create({ model: 'oai:text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      expect(oai.seen.length + gem.seen.length).toBe(callsBefore)
    } finally {
      await embeddingsOnly.stop()
    }
  })
})

describe('POST /v1/completions (legacy) through the openai SDK', () => {
  test('non-streamed: the prompt and the answer pass through, model rewritten', async () => {
    const completion = await client().completions.create({ model: 'oai:gpt-4o-mini', prompt: 'Hello', max_tokens: 5 })
    expect(completion.choices[0].text).toBe(' world')
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 1 })
    const sent = oai.seen.at(-1)!
    expect(sent.path).toBe('/v1/completions')
    expect(sent.headers.authorization).toBe('Bearer sk-emb')
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', prompt: 'Hello', max_tokens: 5 })
  })

  test('streamed', async () => {
    const stream = await client().completions.create({ model: 'oai:gpt-4o-mini', prompt: 'Hello', stream: true })
    let text = ''
    let finish: string | null = null
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(text).toBe(' world')
    expect(finish).toBe('stop')
    expect(oai.seen.at(-1)!.body.stream).toBe(true)
  })

  test('never sent to Gemini or to an embeddings backend', async () => {
    const geminiOnly = await startGateway(`${providers()}\n[[backend]]\nmodel = "gemini:gemini-2.5-flash"\n${embeddingBackends}`)
    const callsBefore = oai.seen.length + gem.seen.length
    try {
      const error = await clientOf(geminiOnly.url).completions.create({ model: 'gemini:gemini-2.5-flash', prompt: 'Hello' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      expect(oai.seen.length + gem.seen.length).toBe(callsBefore)
    } finally {
      await geminiOnly.stop()
    }
  })
})

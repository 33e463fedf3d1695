import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { openaiCompletion, openaiStreamChunks, sseResponse, startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

let upstream: MockUpstream
let gateway: RunningServer

beforeAll(async () => {
  upstream = startMockUpstream((request) =>
    request.body.stream === true ? sseResponse(openaiStreamChunks(['Hello', ' there'], { usage: true })) : Response.json(openaiCompletion('Hello there')),
  )
  gateway = await startGateway(`
[provider.up]
type = "openai"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream-secret"

[[backend]]
model = "up:real-model"
context = 100000
`)
})
afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
})

const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })

describe('OpenAI passthrough', () => {
  test('a non-streamed answer reaches the SDK; only model is rewritten and unknown fields pass untouched', async () => {
    const before = upstream.seen.length
    const answer = await client().chat.completions.create({
      model: 'anything',
      messages: [{ role: 'user', content: 'hi' }],
      // @ts-expect-error a field the SDK does not know must still reach the upstream
      vendor_knob: { depth: 3 },
      seed: 7,
    })
    expect(answer.choices[0].message.content).toBe('Hello there')
    const sent = upstream.seen[before]
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body.model).toBe('real-model')
    expect(sent.body.vendor_knob).toEqual({ depth: 3 })
    expect(sent.body.seed).toBe(7)
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret')
  })

  test('a streamed answer arrives chunk by chunk through the SDK', async () => {
    const stream = await client().chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
    const words: string[] = []
    let finish: string | null = null
    let usage: unknown
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) words.push(chunk.choices[0].delta.content)
      finish = chunk.choices[0]?.finish_reason ?? finish
      if (chunk.usage) usage = chunk.usage
    }
    expect(words.join('')).toBe('Hello there')
    expect(finish).toBe('stop')
    expect(usage).toEqual({ prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 })
  })

  test('answers say which backend served and what llmux added', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-llmux-backend')).toBe('up:real-model')
    expect(response.headers.get('x-llmux-attempts')).toBe('1')
    expect(Number(response.headers.get('x-llmux-overhead-ms'))).toBeGreaterThanOrEqual(0)
  })
})

describe('bad input gets an OpenAI error, never a crash', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

  test('invalid JSON is a 400 invalid_request_error', async () => {
    const response = await post('{"model": ')
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toContain('not valid JSON')
  })

  test('a body that is not an object is a 400', async () => {
    expect((await post('[1,2]')).status).toBe(400)
  })

  test('missing messages names the field', async () => {
    const response = await post('{"model":"x"}')
    expect(response.status).toBe(400)
    expect(JSON.stringify(await response.json())).toContain('messages')
  })

  test('an unknown path is a JSON 404, not an HTML page', async () => {
    const response = await fetch(`${gateway.url}/v1/nothing`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('/v1/nothing')
  })

  test('/health answers without revealing backends', async () => {
    const response = await fetch(`${gateway.url}/health`)
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  test('/v1/models lists backend ids and model names; Anthropic shape on anthropic-version', async () => {
    const list = await client().models.list()
    expect(list.data.map((model) => model.id)).toEqual(['up:real-model'])
    const anthropicShape = (await (await fetch(`${gateway.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json()) as { data: { type: string }[]; has_more: boolean }
    expect(anthropicShape.data[0].type).toBe('model')
    expect(anthropicShape.has_more).toBe(false)
  })
})

describe('body size limit', () => {
  test('a body over max_body_mb gets a 413 in the caller protocol', async () => {
    const small = await startGateway(`max_body_mb = 1\n[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
    try {
      const big = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(1_200_000) }] })
      const openaiAnswer = await fetch(`${small.url}/v1/chat/completions`, { method: 'POST', body: big })
      expect(openaiAnswer.status).toBe(413)
      expect(((await openaiAnswer.json()) as { error: { code: string } }).error.code).toBe('request_too_large')
      const anthropicAnswer = await fetch(`${small.url}/v1/messages`, { method: 'POST', body: big })
      expect(anthropicAnswer.status).toBe(413)
      expect(((await anthropicAnswer.json()) as { type: string; error: { type: string } }).error.type).toBe('request_too_large')
    } finally {
      await small.stop()
    }
  })
})

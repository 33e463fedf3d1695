import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import type { RunningServer } from '../../src/server/start-server.ts'
import { anthropicMessage, sseResponse, startMockUpstream, type MockUpstream, type SeenRequest, lastUserText } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** An Anthropic upstream; the answer depends on the path and on a word in the last user text. */
let upstream: MockUpstream
let gateway: RunningServer

const BACKEND_MODEL = 'claude-backend-test'
const SIGNATURE = 'EqQBCkYIBhgCKkBVq2Q3+/rZ0xw1/Tl2Xj4s5F8kQ7e9yQ==' // an opaque Anthropic signature
// Spacing and an unknown top-level field make byte equality meaningful.
const ANSWER_TEXT = JSON.stringify({ ...anthropicMessage([{ type: 'text', text: 'Hello there' }], { model: BACKEND_MODEL }), vendor_extra: { kept: true } }, null, 1)
const ERROR_TEXT = '{"type":"error","error":{"type":"invalid_request_error","message":"messages.1.content.0: Invalid `signature` in `thinking` block"},"request_id":"req_011CQ"}'
const STREAM_CHUNKS = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-backend-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_read_input_tokens":7,"output_tokens":1}}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,"stop_details":{"kind":"natural"}},"usage":{"output_tokens":2},"context_management":{"applied_edits":[]},"future_field":{"x":1}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
]


function answer(request: SeenRequest): Response {
  if (request.path.startsWith('/v1/messages/count_tokens')) return Response.json({ input_tokens: 4321 })
  if (lastUserText(request).includes('reject')) return new Response(ERROR_TEXT, { status: 400, headers: { 'content-type': 'application/json' } })
  if (request.body.stream === true) return sseResponse(STREAM_CHUNKS)
  return new Response(ANSWER_TEXT, { headers: { 'content-type': 'application/json' } })
}

beforeAll(async () => {
  upstream = startMockUpstream(answer)
  gateway = await startGateway(`
[provider.anth]
type = "anthropic"
base_url = "${upstream.url}"
api_key = "sk-ant-provider"

[[backend]]
model = "anth:${BACKEND_MODEL}"
context = 200000
vision = true
thinking = true
`)
})
afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
})

/** The SDK as the client; `sent` keeps the exact body and headers of its last request. */
function sdk() {
  const sent = { url: '', body: '', headers: new Headers() }
  const client = new Anthropic({
    baseURL: gateway.url,
    apiKey: 'sk-client-own-key',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      sent.url = String(url)
      sent.body = typeof init?.body === 'string' ? init.body : ''
      sent.headers = new Headers(init?.headers)
      return fetch(url, init)
    },
  })
  return { client, sent }
}

const seen = () => upstream.seen.at(-1)!
const withoutModel = (body: Record<string, unknown>) => {
  const { model: _model, ...rest } = body
  return rest
}
const conversation: Anthropic.MessageParam[] = [
  { role: 'user', content: 'What is 6 x 7?' },
  { role: 'assistant', content: [{ type: 'thinking', thinking: 'Six sevens.', signature: SIGNATURE }, { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, { type: 'text', text: '42' }] },
  { role: 'user', content: 'And 6 x 8?' },
]

describe('@anthropic-ai/sdk → Anthropic backend: the request passes through', () => {
  test('same model: the upstream gets the client bytes exactly, and the answer bytes come back', async () => {
    const { client, sent } = sdk()
    const message = await client.messages.create({ model: BACKEND_MODEL, max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: conversation })
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there' }] as never)
    expect(sent.body).toContain(`"signature":"${SIGNATURE}"`)
    expect(seen().bodyText).toBe(sent.body)
    expect(seen().path).toBe('/v1/messages')
    // Bytes another serializer would not produce: spacing and key order must survive too.
    const spaced = JSON.stringify(JSON.parse(sent.body), null, 2)
    const raw = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', body: spaced, headers: { 'content-type': 'application/json' } })
    expect(seen().bodyText).toBe(spaced)
    expect(await raw.text()).toBe(ANSWER_TEXT)
  })

  test('another model: only model changes; unknown fields and the signed thinking blocks survive', async () => {
    const { client, sent } = sdk()
    await client.messages.create({
      model: 'claude-client-asked',
      max_tokens: 4000,
      messages: conversation,
      // @ts-expect-error fields the SDK does not know yet must still reach the upstream
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      brand_new_knob: { depth: 3 },
    })
    const upstreamBody = seen().body
    expect(upstreamBody.model).toBe(BACKEND_MODEL)
    expect(withoutModel(upstreamBody)).toEqual(withoutModel(JSON.parse(sent.body)))
    expect(upstreamBody.brand_new_knob).toEqual({ depth: 3 })
    expect(seen().bodyText).toContain(`"signature":"${SIGNATURE}"`)
  })

  test('anthropic-version and anthropic-beta pass unchanged; the provider key replaces the client credentials', async () => {
    const { client, sent } = sdk()
    await client.messages.create({ model: BACKEND_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14,context-1m-2025-08-07' } })
    const headers = seen().headers
    expect(headers['anthropic-version']).toBe(sent.headers.get('anthropic-version')!)
    expect(headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m-2025-08-07')
    expect(headers['x-api-key']).toBe('sk-ant-provider')
    expect(headers.authorization).toBeUndefined()
    expect(JSON.stringify(headers)).not.toContain('sk-client-own-key')
    await fetch(`${gateway.url}/v1/messages`, { method: 'POST', body: sent.body, headers: { 'anthropic-version': '2099-01-01', 'x-api-key': 'sk-client-own-key' } })
    expect(seen().headers['anthropic-version']).toBe('2099-01-01')
  })

  test('/v1/messages?beta=true (client.beta.messages) works and carries the betas', async () => {
    const { client, sent } = sdk()
    const message = await client.beta.messages.create({ model: BACKEND_MODEL, max_tokens: 10, betas: ['fancy-feature-2099-01-01'], messages: [{ role: 'user', content: 'hi' }] }, { query: { beta: 'true' } })
    // As Claude Code calls it (this SDK version no longer adds the query itself).
    expect(sent.url).toBe(`${gateway.url}/v1/messages?beta=true`)
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello there' })
    expect(seen().path).toBe('/v1/messages')
    expect(seen().headers['anthropic-beta']).toBe('fancy-feature-2099-01-01')
  })

  test('a thinking block marked "llmux:" (from another provider) is removed before upstream; the rest stays', async () => {
    const { client, sent } = sdk()
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'from gpt', signature: 'llmux:openai:' }, { type: 'text', text: 'a1' }] },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'real', signature: SIGNATURE }, { type: 'text', text: 'a2' }] },
      { role: 'user', content: 'q3' },
    ]
    await client.messages.create({ model: BACKEND_MODEL, max_tokens: 10, messages })
    expect(seen().bodyText).not.toContain('llmux:')
    const expected = JSON.parse(sent.body) as { messages: { content: unknown[] }[] }
    expected.messages[1].content = [{ type: 'text', text: 'a1' }]
    expect(seen().body).toEqual(expected)
  })

  test('an assistant turn that held only foreign thinking is not sent with empty content', async () => {
    const { client } = sdk()
    await client.messages.create({
      model: BACKEND_MODEL,
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'only reasoning, cut at max_tokens', signature: 'llmux:openai:' }] },
        { role: 'user', content: 'go on' },
      ],
    })
    // Anthropic rejects a non-final turn with no content blocks.
    const sentMessages = seen().body.messages as { role: string; content: unknown }[]
    expect(sentMessages.filter((message) => Array.isArray(message.content) && message.content.length === 0)).toEqual([])
  })
})

describe('@anthropic-ai/sdk → Anthropic backend: answers pass through', () => {
  test('a streamed answer reaches the client byte for byte, unknown message_delta fields included', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: BACKEND_MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    expect(text).toBe(STREAM_CHUNKS.join(''))
    expect(text).toContain('"future_field":{"x":1}')
  })

  test('the SDK stream helper reads the passed-through stream', async () => {
    const { client } = sdk()
    const stream = client.messages.stream({ model: BACKEND_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
    const texts: string[] = []
    stream.on('text', (text) => texts.push(text))
    const message = await stream.finalMessage()
    expect(texts.join('')).toBe('Hello')
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage).toMatchObject({ input_tokens: 25, output_tokens: 2, cache_read_input_tokens: 7 })
  })

  test('count_tokens is forwarded to the upstream and its answer returned', async () => {
    const { client, sent } = sdk()
    const counted = await client.messages.countTokens({ model: 'claude-any', system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] })
    expect(counted.input_tokens).toBe(4321)
    expect(seen().path).toBe('/v1/messages/count_tokens')
    expect(seen().body).toEqual({ model: BACKEND_MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] })
    expect(seen().headers['x-api-key']).toBe('sk-ant-provider')
    const beta = await client.beta.messages.countTokens({ model: BACKEND_MODEL, messages: [{ role: 'user', content: 'hi' }] }, { query: { beta: 'true' } })
    expect(sent.url).toBe(`${gateway.url}/v1/messages/count_tokens?beta=true`)
    expect(beta.input_tokens).toBe(4321)
    expect(seen().path).toBe('/v1/messages/count_tokens')
    expect(seen().headers['anthropic-beta']).toContain('token-counting-2024-11-01')
  })

  test('an upstream 400 error body is forwarded unchanged with its status', async () => {
    const body = JSON.stringify({ model: BACKEND_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'reject this' }] })
    const raw = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    expect(raw.status).toBe(400)
    expect(await raw.text()).toBe(ERROR_TEXT)
    const { client } = sdk()
    const error = await client.messages.create({ model: BACKEND_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'reject this' }] }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(400)
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual(JSON.parse(ERROR_TEXT))
  })
})

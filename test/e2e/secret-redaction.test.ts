import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { lastUserText, startMockUpstream, type MockUpstream, type SeenRequest } from '../helpers/mock-upstream.ts'
import { memoryLogger, startGateway } from '../helpers/start-gateway.ts'

// Issue 12 item 7: configured provider keys and client tokens never leave llmux, whatever an upstream
// says: an upstream error that quotes a key reaches neither the client nor the log, the rest of its
// message does.

const OPENAI_KEY = 'sk-test-ABCDEF123456'
const ANTHROPIC_KEY = 'sk-ant-SECRET987654'
const RESPONSES_KEY = 'sk-resp-XYZ7654321'
const CLIENT_TOKEN = 'llmux-client-TOKEN-4242'
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, RESPONSES_KEY, CLIENT_TOKEN]

/** What every upstream says about the key it was given (and, for good measure, the client's token). */
const quoting = (key: string) => `Incorrect API key provided: ${key} (client ${CLIENT_TOKEN}). You can find your API key at https://example.test/keys.`

const sse = (events: string[]) =>
  new Response(events.join(''), { headers: { 'content-type': 'text/event-stream' } })

function openaiUpstream(request: SeenRequest): Response {
  const message = quoting(OPENAI_KEY)
  if (lastUserText(request).includes('fail-first') || request.body.stream !== true) {
    return Response.json({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { status: 401 })
  }
  const chunk = (delta: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`
  return sse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), `data: ${JSON.stringify({ error: { message, type: 'server_error', code: null } })}\n\n`])
}

function anthropicUpstream(request: SeenRequest): Response {
  const message = quoting(ANTHROPIC_KEY)
  if (lastUserText(request).includes('fail-first') || request.body.stream !== true) {
    return Response.json({ type: 'error', error: { type: 'authentication_error', message } }, { status: 401 })
  }
  const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
  return sse([
    event('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 0 } } }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
    event('error', { type: 'error', error: { type: 'overloaded_error', message } }),
  ])
}

function responsesUpstream(request: SeenRequest): Response {
  const message = quoting(RESPONSES_KEY)
  if (JSON.stringify(request.body.input).includes('fail-first') || request.body.stream !== true) {
    return Response.json({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { status: 401 })
  }
  const event = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`
  const response = { id: 'resp_1', object: 'response', created_at: 1, model: 'm', status: 'in_progress', output: [] }
  return sse([
    event({ type: 'response.created', sequence_number: 0, response }),
    event({ type: 'response.in_progress', sequence_number: 1, response }),
    event({ type: 'response.failed', sequence_number: 2, response: { ...response, status: 'failed', error: { code: 'server_error', message } } }),
  ])
}

let upstreams: MockUpstream[]
let gateway: RunningServer
const logger = memoryLogger()

beforeAll(async () => {
  upstreams = [startMockUpstream(openaiUpstream), startMockUpstream(anthropicUpstream), startMockUpstream(responsesUpstream)]
  const [openaiUp, anthropicUp, responsesUp] = upstreams
  gateway = await startGateway(
    `
[provider.oa]
type = "openai"
base_url = "${openaiUp.url}/v1"
api_key = "${OPENAI_KEY}"

[provider.an]
type = "anthropic"
base_url = "${anthropicUp.url}"
api_key = "${ANTHROPIC_KEY}"

[provider.rs]
type = "openai"
api = "responses"
base_url = "${responsesUp.url}/v1"
api_key = "${RESPONSES_KEY}"

[[backend]]
model = "oa:gpt"
model_match = ["gpt*"]

[[backend]]
model = "an:claude"
model_match = ["claude*"]

[[backend]]
model = "rs:resp"
model_match = ["resp*"]

[tokens]
alice = "${CLIENT_TOKEN}"
`,
    { logger },
  )
})
afterAll(async () => {
  await gateway.stop()
  await Promise.all(upstreams.map((upstream) => upstream.stop()))
})

const doors = [
  { path: '/v1/messages', body: (model: string, isStreaming: boolean) => ({ model, max_tokens: 50, stream: isStreaming, messages: [{ role: 'user', content: 'hi' }] }) },
  { path: '/v1/chat/completions', body: (model: string, isStreaming: boolean) => ({ model, stream: isStreaming, messages: [{ role: 'user', content: 'hi' }] }) },
  { path: '/v1/responses', body: (model: string, isStreaming: boolean) => ({ model, stream: isStreaming, input: 'hi' }) },
]
const models = ['gpt-x', 'claude-x', 'resp-x']

async function ask(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}` },
  })
  return { status: response.status, text: await response.text() }
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret)
}

describe('an upstream that quotes a key', () => {
  for (const door of doors) {
    for (const model of models) {
      test(`${door.path} → ${model}, a 401 answer: the client and the log get the message without the keys`, async () => {
        const linesBefore = logger.lines.length
        const answer = await ask(door.path, door.body(model, false))
        expect(answer.status).toBe(401)
        expectNoSecret(answer.text)
        expect(answer.text).toContain('Incorrect API key provided: [redacted]')
        const lines = logger.lines.slice(linesBefore)
        expect(lines.some((line) => line.includes('[redacted]'))).toBe(true)
        for (const line of lines) expectNoSecret(line)
      })

      test(`${door.path} → ${model}, an error event after the stream started: neither the client nor the log gets the keys`, async () => {
        const linesBefore = logger.lines.length
        const answer = await ask(door.path, door.body(model, true))
        expect(answer.status).toBe(200)
        expect(answer.text).toContain('Incorrect API key provided: [redacted]')
        expectNoSecret(answer.text)
        const lines = logger.lines.slice(linesBefore)
        for (const line of lines) expectNoSecret(line)
      })

      test(`${door.path} → ${model}, a 401 before a stream starts`, async () => {
        const linesBefore = logger.lines.length
        const body = door.body(model, true) as Record<string, unknown>
        const answer = await ask(door.path, JSON.parse(JSON.stringify(body).replace('"hi"', '"fail-first"')))
        expect(answer.status).toBe(401)
        expectNoSecret(answer.text)
        expect(answer.text).toContain('[redacted]')
        for (const line of logger.lines.slice(linesBefore)) expectNoSecret(line)
      })
    }
  }
})

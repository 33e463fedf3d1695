import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { DEFAULT_MAX_TOKENS } from '../../src/protocols/anthropic/index.ts'
import type { RunningServer } from '../../src/server/start-server.ts'
import { anthropicEvents, anthropicMessage, sseResponse, startMockUpstream, type MockUpstream, type SeenRequest, lastUserText } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** The Anthropic upstream answers by scenario, chosen by a word in the last user text. */
let upstream: MockUpstream
let gateway: RunningServer

type Event = [string, Record<string, unknown>]
const messageStart = (usage: Record<string, number>): Event => ['message_start', { type: 'message_start', message: { id: 'msg_up1', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage } }]
const blockStart = (index: number, block: Record<string, unknown>): Event => ['content_block_start', { type: 'content_block_start', index, content_block: block }]
const delta = (index: number, body: Record<string, unknown>): Event => ['content_block_delta', { type: 'content_block_delta', index, delta: body }]
const blockStop = (index: number): Event => ['content_block_stop', { type: 'content_block_stop', index }]
const messageDelta = (stopReason: string, outputTokens: number, stopSequence: string | null = null): Event => ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage: { output_tokens: outputTokens } }]
const ping: Event = ['ping', { type: 'ping' }]
const messageStop: Event = ['message_stop', { type: 'message_stop' }]
const startUsage = { input_tokens: 30, cache_read_input_tokens: 10, cache_creation_input_tokens: 0, output_tokens: 1 }

const streams: Record<string, Event[]> = {
  tools: [
    messageStart(startUsage), ping,
    blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'Checking.' }), blockStop(0),
    blockStart(1, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }),
    delta(1, { type: 'input_json_delta', partial_json: '{"city":' }), ping, delta(1, { type: 'input_json_delta', partial_json: ' "Paris"}' }), blockStop(1),
    blockStart(2, { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} }), delta(2, { type: 'input_json_delta', partial_json: '{"tz":"CET"}' }), blockStop(2),
    messageDelta('tool_use', 40), messageStop,
  ],
  think: [
    messageStart(startUsage),
    blockStart(0, { type: 'thinking', thinking: '', signature: '' }), delta(0, { type: 'thinking_delta', thinking: 'Let me ' }), delta(0, { type: 'thinking_delta', thinking: 'reason.' }),
    delta(0, { type: 'signature_delta', signature: 'EqQBCkYIBhgCKkBsecret' }), blockStop(0),
    blockStart(1, { type: 'text', text: '' }), delta(1, { type: 'text_delta', text: '42' }), blockStop(1),
    messageDelta('end_turn', 20), messageStop,
  ],
  halt: [messageStart(startUsage), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'one two' }), blockStop(0), messageDelta('stop_sequence', 3, 'END'), messageStop],
  text: [
    messageStart(startUsage), ping,
    blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'Hello' }), ping, delta(0, { type: 'text_delta', text: ' world' }), blockStop(0),
    messageDelta('end_turn', 12), messageStop,
  ],
}


function answer(request: SeenRequest): Response {
  const said = lastUserText(request)
  if (said.includes('reject')) {
    return Response.json({ type: 'error', error: { type: 'invalid_request_error', message: 'messages.0.content: the upstream refuses this' } }, { status: 400 })
  }
  if (request.body.stream === true) {
    const scenario = Object.keys(streams).find((name) => said.includes(name)) ?? 'text'
    return sseResponse(anthropicEvents(streams[scenario]))
  }
  if (said.includes('halt')) return Response.json(anthropicMessage([{ type: 'text', text: 'one two' }], { stop_reason: 'stop_sequence', stop_sequence: 'END' }))
  if (said.includes('think')) return Response.json(anthropicMessage([{ type: 'thinking', thinking: 'Because.', signature: 'EqQBsig' }, { type: 'text', text: '42' }]))
  return Response.json(anthropicMessage([{ type: 'text', text: 'Hello world' }]))
}

// Exact upstream bodies below; cache breakpoints have their own tests (prompt-cache.test.ts).
const providerToml = (url: string) => `
cache_breakpoints = false

[provider.anth]
type = "anthropic"
base_url = "${url}"
api_key = "sk-ant-provider"

[[backend]]
model = "anth:claude-up"
context = 200000
vision = true
thinking = true
`

beforeAll(async () => {
  upstream = startMockUpstream(answer)
  gateway = await startGateway(providerToml(upstream.url), { pingMs: 30 })
})
afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
})

const client = (url = gateway.url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client-own-key', maxRetries: 0 })
const sentBody = () => upstream.seen.at(-1)!.body
const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
]
const user = (content: string): OpenAI.ChatCompletionMessageParam => ({ role: 'user', content })

describe('openai SDK → Anthropic backend: answers', () => {
  test('non-streamed text: prompt_tokens includes cached tokens, finish_reason stop', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, user('hi')] })
    expect(completion.choices[0].message.content).toBe('Hello world')
    expect(completion.choices[0].finish_reason).toBe('stop')
    expect(completion.object).toBe('chat.completion')
    // Anthropic input_tokens 21 excludes the 5 cache reads; OpenAI prompt_tokens includes them.
    expect(completion.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 9, total_tokens: 35, prompt_tokens_details: { cached_tokens: 5 } })
    const seen = upstream.seen.at(-1)!
    expect(seen.path).toBe('/v1/messages')
    expect(seen.body.model).toBe('claude-up')
    expect(seen.body.system).toEqual([{ type: 'text', text: 'Be brief.' }])
    expect(seen.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])
  })

  test('the upstream gets the provider key and anthropic-version, never the client Authorization', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] })
    const headers = upstream.seen.at(-1)!.headers
    expect(headers['x-api-key']).toBe('sk-ant-provider')
    expect(headers['anthropic-version']).toBe('2023-06-01')
    expect(headers.authorization).toBeUndefined()
    expect(JSON.stringify(headers)).not.toContain('sk-client-own-key')
  })

  test('streamed through chat.completions.stream() and finalChatCompletion()', async () => {
    const stream = client().chat.completions.stream({ model: 'gpt-4o', messages: [user('hi')], stream_options: { include_usage: true } })
    const texts: string[] = []
    stream.on('content', (text) => texts.push(text))
    const completion = await stream.finalChatCompletion()
    expect(texts.join('')).toBe('Hello world')
    expect(completion.choices[0].message.content).toBe('Hello world')
    expect(completion.choices[0].finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 10 } })
    expect(sentBody().stream).toBe(true)
  })

  test('streamed tool calls through the stream helper assemble into tool_calls', async () => {
    const stream = client().chat.completions.stream({ model: 'gpt-4o', tools, messages: [user('tools please')] })
    const completion = await stream.finalChatCompletion()
    const choice = completion.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBe('Checking.')
    const calls = (choice.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) } : call))
    expect(calls).toEqual([
      { id: 'toolu_1', name: 'get_weather', args: { city: 'Paris' } },
      { id: 'toolu_2', name: 'get_time', args: { tz: 'CET' } },
    ])
  })

  test('create({stream:true}) iteration: indexed tool deltas, a finish_reason, a usage chunk with empty choices', async () => {
    const stream = await client().chat.completions.create({ model: 'gpt-4o', tools, messages: [user('tools please')], stream: true, stream_options: { include_usage: true } })
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
    expect(toolDeltas.length).toBeGreaterThanOrEqual(3)
    expect(toolDeltas.every((call) => typeof call.index === 'number')).toBe(true)
    expect(new Set(toolDeltas.map((call) => call.index))).toEqual(new Set([0, 1]))
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['tool_calls'])
    const last = chunks.at(-1)!
    expect(last.choices).toEqual([])
    expect(last.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 40, total_tokens: 80 })
  })

  test('the raw SSE has data lines only: no ping, no event: lines, every chunk has choices, ends with [DONE]', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', tools, stream: true, stream_options: { include_usage: true }, messages: [user('tools please')] }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    expect(text).not.toContain('ping')
    const lines = text.split('\n').filter((line) => line !== '')
    expect(lines.every((line) => line.startsWith('data: '))).toBe(true)
    expect(lines.at(-1)).toBe('data: [DONE]')
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line.slice('data: '.length)) as { object: string; choices: unknown[] })
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && Array.isArray(chunk.choices))).toBe(true)
  })

  test('thinking with a signature_delta streams as reasoning_content; the signature never reaches the client', async () => {
    const stream = await client().chat.completions.create({ model: 'gpt-4o', reasoning_effort: 'high', messages: [user('think hard')], stream: true })
    const reasoning: string[] = []
    const content: string[] = []
    let raw = ''
    for await (const chunk of stream) {
      raw += JSON.stringify(chunk)
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string | null } | undefined
      if (delta?.reasoning_content) reasoning.push(delta.reasoning_content)
      if (delta?.content) content.push(delta.content)
    }
    expect(reasoning.join('')).toBe('Let me reason.')
    expect(content.join('')).toBe('42')
    expect(raw).not.toContain('EqQBCkYIBhgCKkBsecret')
  })

  test('a non-streamed thinking block becomes message.reasoning_content', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o', reasoning_effort: 'low', messages: [user('think')] })
    const message = completion.choices[0].message as OpenAI.ChatCompletionMessage & { reasoning_content?: string }
    expect(message.reasoning_content).toBe('Because.')
    expect(message.content).toBe('42')
  })

  test('stop → stop_sequences; stop_reason stop_sequence → finish_reason stop (streamed and not)', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o', stop: ['END', 'FIN'], messages: [user('halt')] })
    expect(sentBody().stop_sequences).toEqual(['END', 'FIN'])
    expect(completion.choices[0].finish_reason).toBe('stop')
    await client().chat.completions.create({ model: 'gpt-4o', stop: 'END', messages: [user('halt')] })
    expect(sentBody().stop_sequences).toEqual(['END'])
    const stream = await client().chat.completions.create({ model: 'gpt-4o', stop: 'END', messages: [user('halt')], stream: true })
    const finishes: (string | null)[] = []
    for await (const chunk of stream) finishes.push(...chunk.choices.map((choice) => choice.finish_reason))
    expect(finishes.filter(Boolean)).toEqual(['stop'])
  })
})

describe('openai SDK → Anthropic backend: what reaches the upstream', () => {
  test('tools become Anthropic tools with input_schema; tool_choice required → any', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', tools, tool_choice: 'required', messages: [user('hi')] })
    const sent = sentBody()
    expect(sent.tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
    ])
    expect(sent.tool_choice).toEqual({ type: 'any' })
  })

  test('a named tool choice and parallel_tool_calls false → disable_parallel_tool_use', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', tools, tool_choice: { type: 'function', function: { name: 'get_time' } }, messages: [user('hi')] })
    expect(sentBody().tool_choice).toEqual({ type: 'tool', name: 'get_time' })
    await client().chat.completions.create({ model: 'gpt-4o', tools, parallel_tool_calls: false, messages: [user('hi')] })
    expect(sentBody().tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true })
    await client().chat.completions.create({ model: 'gpt-4o', tools, tool_choice: 'required', parallel_tool_calls: false, messages: [user('hi')] })
    expect(sentBody().tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true })
  })

  test('assistant tool_calls and consecutive tool messages become tool_use and one user turn of tool_result', async () => {
    await client().chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [
        user('weather and time?'),
        { role: 'assistant', content: null, tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
        ] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: '12:00' },
        user('thanks'),
      ],
    })
    expect(sentBody().messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather and time?' }] },
      { role: 'assistant', content: [
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'get_time', input: { tz: 'CET' } },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'Sunny' }] },
        { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
        { type: 'text', text: 'thanks' },
      ] },
    ])
  })

  test('images: a data URL becomes a base64 source, an http URL a url source', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } },
        { type: 'text', text: 'what are these' },
      ] }],
    })
    expect((sentBody().messages as { content: unknown }[])[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      { type: 'text', text: 'what are these' },
    ])
  })

  test('reasoning_effort reaches the upstream as output_config.effort', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', reasoning_effort: 'high', messages: [user('hi')] })
    expect(sentBody().output_config).toEqual({ effort: 'high' })
    await client().chat.completions.create({ model: 'gpt-4o', reasoning_effort: 'minimal', messages: [user('hi')] })
    expect(sentBody().output_config).toEqual({ effort: 'low' })
  })

  test('reasoning_effort turns thinking on upstream, so the client gets reasoning back', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', reasoning_effort: 'high', messages: [user('hi')] })
    // Without a `thinking` field a Claude model does not think at all, whatever the effort says.
    expect(sentBody().thinking).toEqual({ type: 'adaptive' })
  })

  test('max_tokens: absent → the encoder default; given → sent as is, never clamped', async () => {
    await client().chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] })
    expect(sentBody().max_tokens).toBe(DEFAULT_MAX_TOKENS)
    await client().chat.completions.create({ model: 'gpt-4o', max_tokens: 123456, messages: [user('hi')] })
    expect(sentBody().max_tokens).toBe(123456)
    await client().chat.completions.create({ model: 'gpt-4o', max_completion_tokens: 64000, messages: [user('hi')] })
    expect(sentBody().max_tokens).toBe(64000)
  })
})

describe('openai SDK → Anthropic backend: errors', () => {
  test('an Anthropic 400 reaches the SDK as an OpenAI-shaped 400', async () => {
    const error = await client().chat.completions.create({ model: 'gpt-4o', messages: [user('reject me')] }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const apiError = error as InstanceType<typeof OpenAI.APIError>
    expect(apiError.status).toBe(400)
    expect(apiError.type).toBe('invalid_request_error')
    expect(String((apiError.error as { message?: string }).message)).toContain('the upstream refuses this')
    const raw = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [user('reject me')] }) })
    expect(raw.status).toBe(400)
    const body = (await raw.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['error'])
    expect(Object.keys(body.error as object).sort()).toEqual(['code', 'message', 'param', 'type'])
  })

  test('a 529 overloaded from the only backend ends as an OpenAI error with status 529', async () => {
    const overloaded = startMockUpstream(() => Response.json({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, { status: 529 }))
    const lone = await startGateway(providerToml(overloaded.url))
    try {
      const error = await client(lone.url).chat.completions.create({ model: 'gpt-4o', messages: [user('hi')] }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(OpenAI.InternalServerError)
      const apiError = error as InstanceType<typeof OpenAI.APIError>
      expect(apiError.status).toBe(529)
      expect(apiError.error).toMatchObject({ type: 'server_error', code: 'overloaded', param: null })
      expect(String((apiError.error as { message?: string }).message)).toContain('Overloaded')
      expect(apiError.headers?.get('content-type')).toContain('application/json')
      expect(overloaded.seen).toHaveLength(1)
    } finally {
      await lone.stop()
      await overloaded.stop()
    }
  })
})

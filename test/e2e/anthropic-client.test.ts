import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import type { RunningServer } from '../../src/server/start-server.ts'
import { manualSse, openaiCompletion, sseResponse, startMockUpstream, type MockUpstream, type SeenRequest, lastUserText } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** The upstream answers by scenario, chosen by the last user text. */
let upstream: MockUpstream
let gateway: RunningServer
let manual: ReturnType<typeof manualSse> | undefined
let onManual: (() => void) | undefined

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1, model: 'gpt-up', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
const usageChunk = (prompt: number, completion: number, cached = 0) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1, model: 'gpt-up', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } } })}\n\n`


function answer(request: SeenRequest): Response {
  const said = lastUserText(request)
  const isStream = request.body.stream === true
  if (said.includes('weather')) {
    if (!isStream) {
      return Response.json(openaiCompletion('', { choices: [{ index: 0, message: { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: 'tool_calls' }] }))
    }
    return sseResponse([
      chunk({ role: 'assistant', content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(120, 30, 20),
      'data: [DONE]\n\n',
    ])
  }
  if (said.includes('think')) {
    return sseResponse([chunk({ role: 'assistant', reasoning_content: 'Let me ' }), chunk({ reasoning_content: 'reason.' }), chunk({ content: '42' }), chunk({}, 'stop'), usageChunk(50, 12), 'data: [DONE]\n\n'])
  }
  if (said.includes('slow') || said.includes('break')) {
    manual = manualSse()
    queueMicrotask(() => onManual?.())
    return manual.response
  }
  if (isStream) return sseResponse([chunk({ role: 'assistant', content: 'Hello' }), chunk({ content: ' world' }), chunk({}, 'stop'), usageChunk(30, 2), 'data: [DONE]\n\n'])
  return Response.json(openaiCompletion('Hello world', { usage: { prompt_tokens: 30, completion_tokens: 2, total_tokens: 32, prompt_tokens_details: { cached_tokens: 10 } } }))
}

beforeAll(async () => {
  upstream = startMockUpstream(answer)
  gateway = await startGateway(
    `
[provider.oai]
type = "openai"
base_url = "${upstream.url}/v1"
api_key = "sk-test"

[[backend]]
model = "oai:gpt-up"
context = 200000
vision = true
thinking = true
`,
    { pingMs: 30 },
  )
})
afterAll(async () => {
  await gateway.stop()
  await upstream.stop()
})

const client = () => new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 })
const weatherTools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
]

describe('@anthropic-ai/sdk → OpenAI backend', () => {
  test('non-streamed text with usage converted (cached tokens counted once)', async () => {
    const message = await client().messages.create({ model: 'claude-test', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] })
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Hello world' }])
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 2, cache_read_input_tokens: 10 })
    const sent = upstream.seen.at(-1)!.body
    expect(sent.model).toBe('gpt-up')
    expect(sent.max_tokens).toBe(100)
    expect((sent.messages as unknown[])[0]).toEqual({ role: 'system', content: 'Be brief.' })
  })

  test('streamed text through the SDK stream helper and finalMessage()', async () => {
    const stream = client().messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
    const texts: string[] = []
    stream.on('text', (text) => texts.push(text))
    const message = await stream.finalMessage()
    expect(texts.join('')).toBe('Hello world')
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Hello world' }])
    expect(message.usage.output_tokens).toBe(2)
    expect(message.usage.input_tokens).toBe(30)
    expect(upstream.seen.at(-1)!.body.stream_options).toEqual({ include_usage: true })
  })

  test('streamed parallel tool calls arrive as tool_use blocks with input_json_delta', async () => {
    const stream = client().messages.stream({ model: 'claude-test', max_tokens: 200, tools: weatherTools, messages: [{ role: 'user', content: 'weather in Paris?' }] })
    const jsonDeltas: string[] = []
    stream.on('inputJson', (partial) => jsonDeltas.push(partial))
    const message = await stream.finalMessage()
    expect(message.stop_reason).toBe('tool_use')
    const blocks = message.content.map((block) => (block.type === 'tool_use' ? { type: block.type, id: block.id, name: block.name, input: block.input } : { type: block.type }))
    expect(blocks).toEqual([
      { type: 'text' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: { tz: 'CET' } },
    ])
    expect(jsonDeltas.length).toBeGreaterThanOrEqual(2)
    expect(message.usage).toMatchObject({ input_tokens: 100, output_tokens: 30, cache_read_input_tokens: 20 })
    const sent = upstream.seen.at(-1)!.body as { tools: { type: string; function: { name: string; parameters: unknown } }[] }
    expect(sent.tools[0] as unknown).toEqual({ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTools[0].input_schema } })
  })

  test('non-streamed tool call, then the tool result (with is_error and an image) goes back as a tool message', async () => {
    const first = await client().messages.create({ model: 'claude-test', max_tokens: 200, tools: weatherTools, messages: [{ role: 'user', content: 'weather?' }] })
    expect(first.stop_reason).toBe('tool_use')
    const toolUse = first.content.find((block) => block.type === 'tool_use')!
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } })
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    await client().messages.create({
      model: 'claude-test',
      max_tokens: 200,
      tools: weatherTools,
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: toolUse.id, is_error: true, content: [{ type: 'text', text: 'service down' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] },
            { type: 'text', text: 'and now?' },
          ],
        },
      ],
    })
    const sent = upstream.seen.at(-1)!.body as { messages: Record<string, unknown>[]; tool_choice: unknown; parallel_tool_calls: unknown }
    expect(sent.tool_choice).toBe('required')
    expect(sent.parallel_tool_calls).toBe(false)
    const assistant = sent.messages.find((message) => message.role === 'assistant')!
    expect(assistant.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }])
    const tool = sent.messages.find((message) => message.role === 'tool')!
    expect(tool.tool_call_id).toBe('call_1')
    expect(JSON.stringify(tool.content)).toContain('service down')
    // The image and the text beside the result both reach the backend.
    const after = JSON.stringify(sent.messages.slice(sent.messages.indexOf(tool) + 1))
    expect(after).toContain(`data:image/png;base64,${png}`)
    expect(after).toContain('and now?')
  })

  test('images as base64 and URL become image_url parts', async () => {
    await client().messages.create({
      model: 'claude-test',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } }, { type: 'text', text: 'what is this' }] }],
    })
    const sent = upstream.seen.at(-1)!.body as { messages: { content: { type: string; image_url?: { url: string } }[] }[] }
    const urls = sent.messages[0].content.filter((part) => part.type === 'image_url').map((part) => part.image_url!.url)
    expect(urls).toEqual(['https://example.com/cat.png', 'data:image/jpeg;base64,/9j/4AAQ'])
  })

  test('reasoning becomes a thinking block with an llmux provenance signature, never a fake Anthropic one', async () => {
    const stream = client().messages.stream({ model: 'claude-test', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'think hard' }] })
    const message = await stream.finalMessage()
    const thinking = message.content.find((block) => block.type === 'thinking')
    expect(thinking).toMatchObject({ type: 'thinking', thinking: 'Let me reason.' })
    expect((thinking as { signature: string }).signature.startsWith('llmux:')).toBe(true)
    expect(message.content.at(-1)).toMatchObject({ type: 'text', text: '42' })
    expect(upstream.seen.at(-1)!.body.reasoning_effort).toBeDefined()
  })

  /** Sends a streamed Messages request whose upstream the test drives by hand. */
  async function manualStream(prompt: string) {
    const opened = new Promise<void>((resolve) => (onManual = resolve))
    const answered = fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-test', max_tokens: 50, stream: true, messages: [{ role: 'user', content: prompt }] }),
    })
    await opened
    return { answered, upstream: manual! }
  }

  async function readUntil(reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> }, text: { value: string }, needle: string) {
    const decoder = new TextDecoder()
    while (!text.value.includes(needle)) {
      const { done, value } = await reader.read()
      if (done) return
      text.value += decoder.decode(value)
    }
  }

  test('a silent upstream gets the client pings, then the answer', async () => {
    const { answered, upstream: up } = await manualStream('slow please')
    // The gateway answers only after the upstream's first event.
    up.push(chunk({ role: 'assistant', content: 'Waking' }))
    const reader = (await answered).body!.getReader()
    const text = { value: '' }
    await readUntil(reader, text, 'event: ping')
    up.push(chunk({ content: ' up' }) + chunk({}, 'stop') + usageChunk(5, 2) + 'data: [DONE]\n\n')
    up.close()
    await readUntil(reader, text, 'event: message_stop')
    expect(text.value).toContain('event: ping\ndata: {"type":"ping"}')
    expect(text.value).toContain('event: message_stop')
    expect(text.value.indexOf('event: message_start')).toBe(0)
  })

  test('a stream that breaks after the first byte ends with one error event and nothing after it', async () => {
    const { answered, upstream: up } = await manualStream('break please')
    up.push(chunk({ role: 'assistant', content: 'partial ' }))
    const response = await answered
    expect(response.status).toBe(200)
    up.fail()
    const text = await response.text()
    const events = text.trim().split('\n\n').map((event) => event.split('\n')[0])
    expect(events.at(-1)).toBe('event: error')
    expect(events.filter((event) => event === 'event: error')).toHaveLength(1)
    expect(text).toContain('partial ')
    expect(text).not.toContain('message_stop')
  })

  test('count_tokens estimates a tool-heavy conversation well above 1', async () => {
    const result = await client().messages.countTokens({
      model: 'claude-test',
      system: 'You are a coding agent. '.repeat(50),
      tools: weatherTools,
      messages: [{ role: 'user', content: 'weather in Paris and Berlin and a long explanation of both please' }],
    })
    expect(result.input_tokens).toBeGreaterThan(200)
  })
})

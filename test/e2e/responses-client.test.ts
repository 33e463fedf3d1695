import { describe, expect, test } from 'bun:test'
import { anthropicEvents, anthropicMessage, lastUserText, sseResponse, type SeenRequest } from '../helpers/mock-upstream.ts'
import { responsesHttpAnswer, responsesInput, responsesLastUserText } from '../helpers/responses-mock.ts'
import { rigsPerTest, type RigBackend } from '../helpers/start-rig.ts'

/**
 * A Responses client (the official `openai` SDK's responses.create and responses.stream) through llmux
 * to each kind of backend: Chat Completions, Anthropic Messages, and a Responses backend (passthrough).
 * The upstreams echo the last user text, call a tool the text names, or answer "done: <result>".
 */
const rig = rigsPerTest()
const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hello from llmux\n*** End Patch\n'
const applyPatch = {
  type: 'custom' as const,
  name: 'apply_patch',
  description: 'Edit files. FREEFORM: do not wrap the patch in JSON.',
  format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: "*** Begin Patch" LF hunk+ "*** End Patch" LF?' },
}
const getWeather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather in a city',
  strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
}

/** Which tool the last user text names, among those the upstream was offered (by any protocol's shape). */
function namedTool(request: SeenRequest, said: string): string | undefined {
  const tools = (request.body.tools ?? []) as { name?: string; function?: { name?: string } }[]
  return tools.map((tool) => tool.function?.name ?? tool.name ?? '').find((name) => name !== '' && said.includes(name))
}

const argumentsFor = (name: string) => (name === 'apply_patch' ? { input: PATCH } : { city: 'Paris' })

function chatUpstream(request: SeenRequest): Response {
  const messages = request.body.messages as { role: string; content: unknown }[]
  const last = messages.at(-1)!
  const said = lastUserText(request)
  const tool = last.role === 'tool' ? undefined : namedTool(request, said)
  const text = last.role === 'tool' ? `done: ${String(last.content)}` : `mock: ${said}`
  const message = tool
    ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_up1', type: 'function', function: { name: tool, arguments: JSON.stringify(argumentsFor(tool)) } }] }
    : { role: 'assistant', content: text }
  const finish = tool ? 'tool_calls' : 'stop'
  const usage = { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46, prompt_tokens_details: { cached_tokens: 10 } }
  if (request.body.stream !== true) {
    return Response.json({ id: 'chatcmpl-up', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message, finish_reason: finish }], usage })
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
  const body = tool
    ? [chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_up1', type: 'function', function: { name: tool, arguments: '' } }] }),
       ...splitEvery(JSON.stringify(argumentsFor(tool)), 7).map((part) => chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }))]
    : [chunk({ role: 'assistant', content: '' }), ...splitEvery(text, 5).map((part) => chunk({ content: part }))]
  const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [], usage })}\n\n`
  return sseResponse([...body, chunk({}, finish), usageChunk, 'data: [DONE]\n\n'])
}

function anthropicUpstream(request: SeenRequest): Response {
  const messages = request.body.messages as { role: string; content: unknown }[]
  const lastBlocks = messages.at(-1)!.content
  const result = Array.isArray(lastBlocks) ? (lastBlocks as { type: string; content?: { text: string }[] }[]).find((block) => block.type === 'tool_result') : undefined
  const said = lastUserText(request)
  const tool = result ? undefined : namedTool(request, said)
  const text = result ? `done: ${result.content?.map((part) => part.text).join('') ?? ''}` : `mock: ${said}`
  const usage = { input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 }
  if (request.body.stream !== true) {
    const content = tool ? [{ type: 'tool_use', id: 'toolu_up1', name: tool, input: argumentsFor(tool) }] : [{ type: 'text', text }]
    return Response.json(anthropicMessage(content, { stop_reason: tool ? 'tool_use' : 'end_turn', usage }))
  }
  const start = { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }
  const block: [string, Record<string, unknown>][] = tool
    ? [['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_up1', name: tool, input: {} } }],
       ...splitEvery(JSON.stringify(argumentsFor(tool)), 9).map((part): [string, Record<string, unknown>] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } }])]
    : [['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
       ...splitEvery(text, 5).map((part): [string, Record<string, unknown>] => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } }])]
  return sseResponse(anthropicEvents([
    ['message_start', start],
    ...block,
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } }],
    ['message_stop', { type: 'message_stop' }],
  ]))
}

function responsesUpstream(request: SeenRequest): Response {
  const output = responsesInput(request.body).findLast((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output')
  const said = responsesLastUserText(request.body)
  const tool = output ? undefined : namedTool(request, said)
  const options = { request: request.body, stream: request.body.stream === true }
  const usage = { input_tokens: 40, cached_tokens: 10, output_tokens: 6 }
  if (output) return responsesHttpAnswer({ text: `done: ${String(output.output)}`, usage }, options)
  if (tool === 'apply_patch') return responsesHttpAnswer({ customToolCall: { callId: 'call_up1', name: tool, input: PATCH }, usage }, options)
  if (tool) return responsesHttpAnswer({ functionCall: { callId: 'call_up1', name: tool, arguments: JSON.stringify(argumentsFor(tool)) }, usage }, options)
  return responsesHttpAnswer({ text: `mock: ${said}`, usage }, options)
}

/** A native Gemini upstream (generateContent, or streamGenerateContent?alt=sse). */
function geminiUpstream(request: SeenRequest): Response {
  const contents = request.body.contents as { role: string; parts: { text?: string; functionResponse?: { response: unknown } }[] }[]
  const lastParts = contents.at(-1)!.parts
  const result = lastParts.find((part) => part.functionResponse)?.functionResponse as { response: { output?: string } } | undefined
  const said = lastParts.map((part) => part.text ?? '').join('')
  const declared = ((request.body.tools ?? []) as { functionDeclarations: { name: string }[] }[]).flatMap((tool) => tool.functionDeclarations.map((fn) => fn.name))
  const tool = result ? undefined : declared.find((name) => said.includes(name))
  const part = tool ? { functionCall: { name: tool, args: argumentsFor(tool) } } : { text: result ? `done: ${result.response.output ?? JSON.stringify(result.response)}` : `mock: ${said}` }
  const reply = { candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 6, totalTokenCount: 36 }, responseId: 'g1' }
  return request.path.includes(':streamGenerateContent') ? sseResponse([`data: ${JSON.stringify(reply)}\r\n\r\n`]) : Response.json(reply)
}

function splitEvery(text: string, size: number): string[] {
  const parts: string[] = []
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size))
  return parts
}

const kinds: [string, RigBackend][] = [
  ['Chat Completions', { handler: chatUpstream }],
  ['Anthropic', { handler: anthropicUpstream, type: 'anthropic' }],
  ['Gemini', { handler: geminiUpstream, type: 'gemini' }],
  ['Responses (passthrough)', { handler: responsesUpstream, type: 'responses' }],
]

describe.each(kinds)('a Responses client through llmux to a %s backend', (_kind, backend) => {
  test('responses.create answers text, with usage', async () => {
    const { openai, upstreams } = await rig([backend])
    const response = await openai().responses.create({ model: 'any', instructions: 'Be brief.', input: 'hello there', max_output_tokens: 300 })
    expect(response.status).toBe('completed')
    expect(response.output_text).toContain('hello there')
    expect(response.usage?.input_tokens).toBeGreaterThan(0)
    expect(response.usage?.output_tokens).toBeGreaterThan(0)
    expect(upstreams[0]!.seen[0].bodyText).toContain('Be brief.')
  })

  test('responses.stream assembles the final response in the SDK', async () => {
    const { openai } = await rig([backend])
    const stream = openai().responses.stream({ model: 'any', input: [{ role: 'user', content: 'stream me please' }] })
    const types: string[] = []
    stream.on('event', (event) => void types.push(event.type))
    const final = await stream.finalResponse()
    expect(final.status).toBe('completed')
    expect(final.output_text).toContain('stream me please')
    expect(types[0]).toBe('response.created')
    expect(types.at(-1)).toBe('response.completed')
    expect(types).toContain('response.output_text.delta')
  })

  test.each([false, true])('a function tool call comes back whole (stream: %p), and its output is answered', async (isStreaming) => {
    const { openai } = await rig([backend])
    const client = openai()
    const input = [{ role: 'user' as const, content: 'what is the get_weather in Paris?' }]
    const first = isStreaming
      ? await client.responses.stream({ model: 'any', input, tools: [getWeather] }).finalResponse()
      : await client.responses.create({ model: 'any', input, tools: [getWeather] })
    const call = first.output.find((item) => item.type === 'function_call')
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' })
    if (call?.type !== 'function_call') throw new Error('no function call')
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' })
    expect(call.call_id).not.toBe('')
    const second = await client.responses.create({
      model: 'any',
      tools: [getWeather],
      input: [...input, { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: 'function_call_output', call_id: call.call_id, output: '18C and sunny' }],
    })
    expect(second.output_text).toContain('done: 18C and sunny')
  })

  test.each([false, true])('a custom apply_patch call comes back as custom_tool_call with the raw patch (stream: %p)', async (isStreaming) => {
    const { openai } = await rig([backend])
    const client = openai()
    const input = 'use apply_patch to create hello.txt'
    const response = isStreaming
      ? await client.responses.stream({ model: 'any', input, tools: [applyPatch, getWeather] }).finalResponse()
      : await client.responses.create({ model: 'any', input, tools: [applyPatch, getWeather] })
    const call = response.output.find((item) => item.type === 'custom_tool_call')
    expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH })
  })
})

describe('Responses door rules', () => {
  test('previous_response_id llmux cannot resolve: 400 in the Responses error shape', async () => {
    const { url } = await rig([{ handler: chatUpstream }])
    const answer = await fetch(`${url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'any', input: 'hi', previous_response_id: 'resp_123' }) })
    expect(answer.status).toBe(400)
    const body = (await answer.json()) as { error: { message: string; type: string; param: string | null } }
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toContain('previous_response_id')
  })

  test('an upstream 429 with no other backend: 429 in the Responses shape, always with Retry-After', async () => {
    const { url } = await rig([{ handler: () => Response.json({ error: { message: 'slow down', type: 'rate_limit_error' } }, { status: 429 }), toml: 'cooldown = 7' }])
    const answer = await fetch(`${url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'any', input: 'hi', stream: true }) })
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('7')
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded')
  })

  test('a rate limit inside a started stream ends it with response.failed that says when to try again', async () => {
    const { url } = await rig([{
      type: 'anthropic',
      handler: () => sseResponse(anthropicEvents([
        ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'c', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } }],
        ['error', { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } }],
      ])),
    }])
    const answer = await fetch(`${url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'any', input: 'hi', stream: true }) })
    const events = (await answer.text()).split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type: string; response?: { error?: { code: string; message: string } } })
    const last = events.at(-1)!
    expect(last.type).toBe('response.failed')
    expect(last.response?.error?.code).toBe('rate_limit_exceeded')
    expect(last.response?.error?.message).toMatch(/try again in \d+s/)
    expect(events.filter((event) => event.type === 'response.completed')).toHaveLength(0)
  })

  test("Codex's status-line headers carry the backend's tightest window", async () => {
    const { url, clock } = await rig([{ handler: chatUpstream, toml: 'max_per_minute = 10\nmax_per_hour = 100' }])
    const ask = () => fetch(`${url}/v1/responses`, { method: 'POST', body: JSON.stringify({ model: 'any', input: 'hi' }) })
    for (let i = 0; i < 3; i++) await (await ask()).text()
    const answer = await ask()
    expect(answer.headers.get('x-codex-primary-used-percent')).toBe('40.0')
    expect(answer.headers.get('x-codex-primary-window-minutes')).toBe('1')
    expect(Number(answer.headers.get('x-codex-primary-reset-at'))).toBe(Math.ceil((clock.ms + 60_000) / 1000))
  })

  test('a WebSocket upgrade of /v1/responses is refused at once with 426', async () => {
    const { url } = await rig([{ handler: chatUpstream }])
    const answer = await fetch(`${url}/v1/responses`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } })
    expect(answer.status).toBe(426)
  })

  test('a chat backend sees apply_patch as a function with one string parameter, and no hosted tools', async () => {
    const { openai, upstreams } = await rig([{ handler: chatUpstream }])
    await openai().responses.create({ model: 'any', input: 'hi', tools: [applyPatch, { type: 'web_search' }] })
    const tools = upstreams[0]!.seen[0].body.tools as { type: string; function: { name: string; parameters: { properties: Record<string, unknown> } } }[]
    expect(tools.map((tool) => tool.function.name)).toEqual(['apply_patch'])
    expect(Object.keys(tools[0].function.parameters.properties)).toEqual(['input'])
  })
})

/**
 * The Responses API mock (test/helpers/responses-mock.ts) checked against the official openai SDK's own
 * parsers: non-streamed create, responses.stream() → finalResponse(), and create({stream: true}).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { sseResponse, type MockUpstream } from '../helpers/mock-upstream.ts'
import {
  defaultResponsesHandler,
  responsesBody,
  responsesCutEvents,
  responsesEventObjects,
  responsesEvents,
  responsesFailedEvents,
  responsesHttpAnswer,
  startResponsesMock,
} from '../helpers/responses-mock.ts'

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'], additionalProperties: false },
  strict: true,
}
const patchTool = { type: 'custom' as const, name: 'apply_patch', description: 'Apply a patch' }

let mock: MockUpstream
let client: OpenAI
beforeAll(() => {
  mock = startResponsesMock()
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'x', maxRetries: 0 })
})
afterAll(() => mock.stop())

describe('responses mock, default handler, through the openai SDK', () => {
  test('non-streamed create echoes and has the real response shape', async () => {
    const response = await client.responses.create({ model: 'gpt-5-mini', instructions: 'be brief', input: 'hello there' })
    expect(response.output_text).toBe('mock: hello there')
    expect(response.object).toBe('response')
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/)
    expect(response.status).toBe('completed')
    expect(response.model).toBe('gpt-5-mini')
    expect(response.instructions).toBe('be brief')
    expect(response.error).toBeNull()
    expect(response.incomplete_details).toBeNull()
    expect(response.output).toHaveLength(1)
    const message = response.output[0]
    expect(message.type).toBe('message')
    if (message.type !== 'message') throw new Error('not a message')
    expect(message.id).toMatch(/^msg_/)
    expect(message.role).toBe('assistant')
    expect(message.status).toBe('completed')
    expect(message.content[0]).toMatchObject({ type: 'output_text', text: 'mock: hello there', annotations: [] })
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(0)
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(0)
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0))
    const seen = mock.seen[mock.seen.length - 1]
    expect(seen.path).toBe('/v1/responses')
    expect(seen.body).toMatchObject({ model: 'gpt-5-mini', instructions: 'be brief', input: 'hello there' })
  })

  test('non-streamed create calls a function tool named in the text, then answers the tool output', async () => {
    const first = await client.responses.create({ model: 'm', input: 'please call get_weather {"city":"Paris","unit":"c"}', tools: [weatherTool] })
    const call = first.output.find((item) => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error('no function_call')
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}', status: 'completed' })
    expect(call.call_id).toMatch(/^call_/)
    expect(call.id).toMatch(/^fc_/)
    expect(first.output_text).toBe('')
    expect(first.tools).toEqual([weatherTool])

    const second = await client.responses.create({
      model: 'm',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'please call get_weather' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '21C sunny' },
      ],
    })
    expect(second.output_text).toBe('done: 21C sunny')
  })

  test('arguments come from the schema when the text has none', async () => {
    const response = await client.responses.create({ model: 'm', input: 'get_weather now', tools: [weatherTool] })
    const call = response.output[0]
    expect(call.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'mock', unit: 'c' })
  })

  test('responses.stream() assembles text, reasoning and a function call in finalResponse()', async () => {
    const stream = client.responses.stream({
      model: 'gpt-5-mini',
      input: 'think, then get_weather {"city":"Oslo","unit":"c"}',
      tools: [weatherTool],
      reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    })
    const deltas: string[] = []
    stream.on('response.function_call_arguments.delta', (event) => deltas.push(event.delta))
    const final = await stream.finalResponse()
    expect(final.status).toBe('completed')
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'function_call'])
    const [reasoning, call] = final.output
    if (reasoning.type !== 'reasoning' || call.type !== 'function_call') throw new Error('wrong items')
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'Thinking about: think, then get_weather {"city":"Oslo","unit":"c"}' }])
    expect(reasoning.encrypted_content).toStartWith('gAAAA')
    expect(call.arguments).toBe('{"city":"Oslo","unit":"c"}')
    expect(deltas.join('')).toBe(call.arguments)
    expect(deltas.length).toBeGreaterThan(1)
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0)
    expect(final.reasoning).toEqual({ effort: 'low', summary: 'auto' })
    expect(mock.seen[mock.seen.length - 1].headers['x-stainless-helper-method']).toBe('stream')
  })

  test('responses.stream() text: deltas, output_text and the whole message', async () => {
    const stream = client.responses.stream({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'one two three' }] }] })
    const deltas: string[] = []
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta))
    const final = await stream.finalResponse()
    expect(deltas).toEqual(['mock:', ' one', ' two', ' three'])
    expect(final.output_text).toBe('mock: one two three')
    expect(final.output[0]).toMatchObject({ type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'mock: one two three' }] })
  })

  test('create({stream: true}) yields the full grammar with increasing sequence numbers', async () => {
    const stream = await client.responses.create({ model: 'm', input: 'hi you', stream: true })
    const events = []
    for await (const event of stream) events.push(event)
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index))
    const completed = events[events.length - 1]
    if (completed.type !== 'response.completed') throw new Error('not completed')
    expect(completed.response.output[0]).toMatchObject({ type: 'message', content: [{ text: 'mock: hi you' }] })
    expect(completed.response.usage?.total_tokens).toBeGreaterThan(0)
    expect(events[0].type === 'response.created' && events[0].response.status).toBe('in_progress')
  })

  test('custom tool: non-streamed, streamed, and its output answered', async () => {
    const plain = await client.responses.create({ model: 'm', input: 'apply_patch *** Begin Patch', tools: [patchTool] })
    expect(plain.output[0]).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch' })

    const stream = client.responses.stream({ model: 'm', input: 'apply_patch *** Begin Patch\n*** End Patch', tools: [patchTool] })
    const types: string[] = []
    stream.on('event', (event) => types.push(event.type))
    const final = await stream.finalResponse()
    const call = final.output[0]
    if (call.type !== 'custom_tool_call') throw new Error('no custom_tool_call')
    expect(call.input).toBe('*** Begin Patch\n*** End Patch')
    expect(call.id).toMatch(/^ctc_/)
    expect(types).toContain('response.custom_tool_call_input.delta')
    expect(types).toContain('response.custom_tool_call_input.done')

    const after = await client.responses.create({
      model: 'm',
      tools: [patchTool],
      input: [
        { type: 'custom_tool_call', call_id: call.call_id, name: call.name, input: call.input },
        { type: 'custom_tool_call_output', call_id: call.call_id, output: 'Success' },
      ],
    })
    expect(after.output_text).toBe('done: Success')
  })

  test('anything but POST /v1/responses is a 404 in the OpenAI error shape', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
  })
})

describe('responses builders, parsed by the openai SDK', () => {
  const scripted = (answer: (index: number) => Response) => {
    const upstream = startResponsesMock((_request, index) => answer(index))
    return { upstream, client: new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: 'x', maxRetries: 0 }) }
  }

  test('several items in order, streamed and not, assemble to the same output', async () => {
    const answer = {
      id: 'resp_fixed',
      model: 'gpt-5',
      items: [
        { type: 'reasoning' as const, id: 'rs_1', summary: 'plan it', encryptedContent: 'enc-1' },
        { type: 'text' as const, id: 'msg_1', text: 'Calling two tools.' },
        { type: 'function_call' as const, id: 'fc_1', callId: 'call_1', name: 'a', arguments: '{"x":1}' },
        { type: 'custom_tool_call' as const, id: 'ctc_1', callId: 'call_2', name: 'b', input: 'raw text' },
      ],
      usage: { input_tokens: 100, cached_tokens: 40, output_tokens: 30, reasoning_tokens: 12 },
    }
    const { upstream, client } = scripted(() => sseResponse(responsesEvents(answer, { deltaSize: 3 })))
    const final = await client.responses.stream({ model: 'gpt-5', input: 'x' }).finalResponse()
    expect(final.id).toBe('resp_fixed')
    expect(final.output_text).toBe('Calling two tools.')
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'custom_tool_call'])
    expect(final.usage).toEqual({ input_tokens: 100, input_tokens_details: { cached_tokens: 40, cache_write_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 12 }, total_tokens: 130 })
    const body = responsesBody(answer)
    const stripParsed = (items: unknown[]) => JSON.parse(JSON.stringify(items, (key, value) => (key === 'parsed' || key === 'parsed_arguments' ? undefined : value)))
    expect(stripParsed(final.output)).toEqual(body.output as unknown[])
    await upstream.stop()
  })

  test('an incomplete answer ends with response.incomplete and incomplete_details', async () => {
    const answer = { text: 'cut sh', status: 'incomplete' as const }
    const types = responsesEventObjects(answer).map((event) => event.type)
    expect(types[types.length - 1]).toBe('response.incomplete')
    const { upstream, client } = scripted((index) => (index === 0 ? responsesHttpAnswer(answer) : responsesHttpAnswer(answer, { stream: true })))
    const plain = await client.responses.create({ model: 'm', input: 'x' })
    expect(plain.status).toBe('incomplete')
    expect(plain.incomplete_details).toEqual({ reason: 'max_output_tokens' })
    expect(plain.output[0]).toMatchObject({ type: 'message', status: 'incomplete' })
    const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse()
    expect(final.status).toBe('incomplete')
    expect(final.output_text).toBe('cut sh')
    await upstream.stop()
  })

  test('a failed stream ends with response.failed carrying error.code; the SDK does not throw', async () => {
    const chunks = responsesFailedEvents({ text: 'partial answer' }, { code: 'server_error', message: 'boom' }, { itemsBeforeFailure: 1 })
    const last = JSON.parse(chunks[chunks.length - 1].split('data: ')[1])
    expect(last.type).toBe('response.failed')
    expect(last.response.status).toBe('failed')
    expect(last.response.error).toEqual({ code: 'server_error', message: 'boom' })
    const { upstream, client } = scripted(() => sseResponse(chunks))
    const stream = await client.responses.create({ model: 'm', input: 'x', stream: true })
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    expect(types[0]).toBe('response.created')
    expect(types).toContain('response.output_item.done')
    expect(types[types.length - 1]).toBe('response.failed')
    const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse()
    expect(final.status).toBe('failed')
    expect(final.error).toEqual({ code: 'server_error', message: 'boom' } as never)
    await upstream.stop()
  })

  test('a cut stream has no terminal event; finalResponse() still resolves with the in_progress snapshot', async () => {
    const chunks = responsesCutEvents({ text: 'half' })
    expect(chunks.some((chunk) => chunk.includes('response.completed'))).toBe(false)
    expect(chunks[chunks.length - 1]).toStartWith('event: response.output_item.done\n')
    const { upstream, client } = scripted(() => sseResponse(chunks))
    const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse()
    expect(final.status).toBe('in_progress')
    expect(final.output_text).toBe('half')
    expect(final.usage).toBeNull()
    await upstream.stop()
  })

  test('SSE framing: event line equals the data type', () => {
    for (const chunk of responsesEvents({ reasoning: { summary: 's' }, text: 't' })) {
      const [eventLine, dataLine, ...rest] = chunk.split('\n')
      expect(rest).toEqual(['', ''])
      expect(eventLine.slice('event: '.length)).toBe(JSON.parse(dataLine.slice('data: '.length)).type)
    }
  })

  test('the default handler is exported for wrapping', () => {
    expect(typeof defaultResponsesHandler).toBe('function')
  })
})

import { describe, expect, test } from 'bun:test'
import { Stream } from '@anthropic-ai/sdk/core/streaming'
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream'
import type { StreamPart } from '../../src/ir/index.ts'
import type { StreamContext } from '../../src/protocols/protocol.ts'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
import { type SseEvent, parseSse } from '../../src/sse/parse-sse.ts'

const fixtures = new URL('../fixtures/anthropic/', import.meta.url).pathname
const context: StreamContext = { estimatedInputTokens: 50, includeUsage: false, id: 'ctx-1', model: 'ctx-model', created: 0 }

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items
}

const eventsOf = (text: string): Promise<SseEvent[]> => collect(parseSse(from([text])))
const decode = async (name: string): Promise<StreamPart[]> =>
  collect(anthropic.decodeStream(from(await eventsOf(await Bun.file(fixtures + name).text()))))
const encode = async (parts: StreamPart[]): Promise<string[]> => collect(anthropic.encodeStream(from(parts), context))
const dataOf = async (chunks: string[]) => (await eventsOf(chunks.join(''))).map((event) => JSON.parse(event.data))

/** What a client acts on: pings, empty deltas and the block-start/ping order carry no content. */
function shape(events: SseEvent[]): unknown[] {
  return events.flatMap((event) => {
    const data = JSON.parse(event.data)
    if (data.type === 'ping') return []
    if (data.type === 'content_block_delta' && (data.delta.partial_json === '' || data.delta.text === '')) return []
    if (data.type === 'message_start') return [{ event: event.event, id: data.message.id, model: data.message.model }]
    if (data.type === 'message_delta') return [{ event: event.event, delta: data.delta, output_tokens: data.usage.output_tokens }]
    return [{ event: event.event, ...data }]
  })
}

const scenarios = ['plain-text', 'tools', 'parallel-tools', 'thinking', 'stop-sequence', 'cache-usage', 'stream-error']

describe('stream decode then encode gives the same events', () => {
  test.each(scenarios)('%s', async (scenario) => {
    const original = await eventsOf(await Bun.file(`${fixtures}${scenario}.stream.sse`).text())
    const chunks = await encode(await decode(`${scenario}.stream.sse`))
    for (const chunk of chunks) expect(chunk).toMatch(/^event: [a-z_]+\ndata: [^\n]+\n\n$/)
    const encoded = await eventsOf(chunks.join(''))
    expect(shape(encoded)).toEqual(shape(original))
    const pings = (events: SseEvent[]) => events.filter((event) => event.event === 'ping').length
    expect(pings(encoded)).toBe(pings(original))
  })
})

describe('decodeStream', () => {
  test('tool calls are counted from 0, whatever their block index', async () => {
    const parts = await decode('parallel-tools.stream.sse')
    expect(parts.filter((part) => part.type.startsWith('tool_call'))).toEqual([
      { type: 'tool_call_start', index: 0, id: 'toolu_01Paris00000000000000001', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"location": "Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'toolu_01Tokyo00000000000000002', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"location"' },
      { type: 'tool_call_delta', index: 1, arguments: ': "Tokyo"}' },
    ])
  })

  test('start usage, then finish with running totals', async () => {
    const parts = await decode('tools.stream.sse')
    expect(parts[0]).toEqual({ type: 'start', id: 'msg_014p7gG3wDgGV9EUtLvnow3U', model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 472, outputTokens: 2 } })
    expect(parts.at(-1)).toEqual({ type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 472, outputTokens: 89 } })
    expect(parts.filter((part) => part.type === 'ping')).toHaveLength(1)
  })

  test('thinking, signature and redacted thinking', async () => {
    const types = (await decode('thinking.stream.sse')).map((part) => part.type)
    expect(types).toEqual(['start', 'thinking', 'thinking', 'signature', 'redacted_thinking', 'text', 'finish'])
  })

  test('stop sequence and cache usage reach the finish part', async () => {
    expect((await decode('stop-sequence.stream.sse')).at(-1)).toMatchObject({ stopReason: 'stop_sequence', stopSequence: ', 5' })
    expect((await decode('cache-usage.stream.sse')).at(-1)).toEqual({
      type: 'finish',
      stopReason: 'max_tokens',
      usage: { inputTokens: 21, outputTokens: 393, cacheReadTokens: 4096, cacheWriteTokens: 188086, cacheWrite1hTokens: 0 },
    })
  })

  test('an error event ends the parts, with its kind', async () => {
    expect((await decode('stream-error.stream.sse')).slice(-2)).toEqual([
      { type: 'text', text: 'Once upon a' },
      { type: 'error', kind: 'overloaded', message: 'Overloaded' },
    ])
  })

  test('a stream cut before message_stop yields no finish', async () => {
    const text = await Bun.file(`${fixtures}plain-text.stream.sse`).text()
    const cut = text.slice(0, text.indexOf('event: message_stop'))
    const parts = await collect(anthropic.decodeStream(from(await eventsOf(cut))))
    expect(parts.map((part) => part.type)).not.toContain('finish')
  })

  test('server tool blocks are dropped; data that is not JSON becomes an error part', async () => {
    const events: SseEvent[] = [
      { event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\":1}"}}' },
      { event: 'content_block_delta', data: 'not json' },
    ]
    expect(await collect(anthropic.decodeStream(from(events)))).toEqual([
      { type: 'error', kind: 'bad_gateway', message: expect.any(String) },
    ])
  })
})

describe('encodeStream', () => {
  test('message_start falls back on the context and never says 0 input tokens', async () => {
    const [start] = await dataOf(await encode([{ type: 'text', text: 'hi' }, { type: 'finish', stopReason: 'end_turn' }]))
    expect(start.message).toMatchObject({ id: 'msg_ctx-1', model: 'ctx-model', usage: { input_tokens: 50, output_tokens: 0 } })
    const zero = await collect(anthropic.encodeStream(from<StreamPart>([{ type: 'start', id: 'a', model: 'b', usage: { inputTokens: 0 } }]), { ...context, estimatedInputTokens: 0 }))
    expect(JSON.parse((await eventsOf(zero[0]))[0].data).message.usage.input_tokens).toBe(1)
  })

  // Deltas are written without building the event object: they must still be the exact JSON the
  // object would give, whatever the text holds.
  test('awkward text, thinking and tool input reach the client exactly, as canonical JSON', async () => {
    const awkward = ['"quoted" \\ back\\slash', 'line\nbreak\ttab\r', 'é 漢字 🎉', '\u0000\u001f\u2028', '\ud800 lone', '</script>']
    const parts: StreamPart[] = [
      ...awkward.map((value): StreamPart => ({ type: 'thinking', text: value })),
      ...awkward.map((value): StreamPart => ({ type: 'text', text: value })),
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' },
      ...awkward.map((value): StreamPart => ({ type: 'tool_call_delta', index: 0, arguments: value })),
      { type: 'finish', stopReason: 'tool_use' },
    ]
    const events = await eventsOf((await encode(parts)).join(''))
    for (const event of events) expect(JSON.stringify(JSON.parse(event.data))).toBe(event.data)
    const deltas = events.map((event) => JSON.parse(event.data)).filter((data) => data.type === 'content_block_delta')
    expect(deltas.map((data) => [data.index, data.delta.type, data.delta.thinking ?? data.delta.text ?? data.delta.partial_json ?? data.delta.signature])).toEqual([
      ...awkward.map((value) => [0, 'thinking_delta', value]),
      ...awkward.map((value) => [1, 'text_delta', value]),
      ...awkward.map((value) => [2, 'input_json_delta', value]),
    ])
  })

  test('interleaved tool deltas keep their own block index; input only as input_json_delta', async () => {
    const events = await dataOf(
      await encode([
        { type: 'start', id: 'msg_1', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'call_a', name: 'f' },
        { type: 'tool_call_start', index: 1, id: 'call_b', name: 'g' },
        { type: 'tool_call_delta', index: 0, arguments: '{"a":1}' },
        { type: 'tool_call_delta', index: 1, arguments: '{"b":2}' },
        { type: 'finish', stopReason: 'tool_use' },
      ]),
    )
    expect(events.slice(1, -2)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_b', name: 'g', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"b":2}' } },
      { type: 'content_block_stop', index: 1 },
    ])
  })

  test('a signature closes its thinking block; more thinking opens another', async () => {
    const events = await dataOf(
      await encode([
        { type: 'thinking', text: 'a' },
        { type: 'signature', provenance: { origin: 'anthropic', token: 'sig1' } },
        { type: 'thinking', text: 'b' },
        { type: 'signature', provenance: { origin: 'anthropic', token: 'sig2' } },
        { type: 'finish', stopReason: 'end_turn' },
      ]),
    )
    const blocks = events.filter((event) => event.type === 'content_block_delta').map((event) => [event.index, event.delta.type])
    expect(blocks).toEqual([[0, 'thinking_delta'], [0, 'signature_delta'], [1, 'thinking_delta'], [1, 'signature_delta']])
  })

  test('usage parts, even after finish (OpenAI order), reach message_delta', async () => {
    const events = await dataOf(
      await encode([
        { type: 'text', text: 'hi' },
        { type: 'finish', stopReason: 'max_tokens' },
        { type: 'usage', usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 4 } },
      ]),
    )
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { output_tokens: 3, input_tokens: 12, cache_read_input_tokens: 4 },
    })
    expect(events.at(-1)).toEqual({ type: 'message_stop' })
  })

  test('an upstream cut closes the block and ends with an error, never message_stop', async () => {
    const chunks = await encode([{ type: 'start', id: 'msg_1', model: 'm' }, { type: 'text', text: 'partial' }])
    const events = await eventsOf(chunks.join(''))
    expect(events.map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'error'])
    expect(JSON.parse(events.at(-1)!.data).error).toEqual({ type: 'api_error', message: expect.stringContaining('ended early') })
  })

  test('an error part is the last event', async () => {
    const chunks = await encode([
      { type: 'ping' },
      { type: 'start', id: 'msg_1', model: 'm' },
      { type: 'error', kind: 'rate_limited', message: 'slow down' },
      { type: 'text', text: 'never sent' },
    ])
    expect((await eventsOf(chunks.join(''))).map((event) => event.event)).toEqual(['ping', 'message_start', 'error'])
    expect(chunks.at(-1)).toBe('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n')
  })
})

describe('the official SDK reads what encodeStream writes', () => {
  test.each(['tools', 'thinking', 'parallel-tools'])('%s', async (scenario) => {
    const chunks = await encode(await decode(`${scenario}.stream.sse`))
    const response = new Response(chunks.join(''), { headers: { 'content-type': 'text/event-stream' } })
    const events = Stream.fromSSEResponse(response, new AbortController())
    const message = await MessageStream.fromReadableStream(events.toReadableStream()).finalMessage()
    const expected = await Bun.file(`${fixtures}${scenario}.response.json`).exists()
      ? await Bun.file(`${fixtures}${scenario}.response.json`).json()
      : undefined
    if (scenario === 'thinking') expect(message.content).toEqual(expected.content)
    if (scenario === 'tools') expect(message.content.at(-1)).toMatchObject({ type: 'tool_use', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } })
    if (scenario === 'parallel-tools') expect(message.content.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_use'])
    expect(message.usage.output_tokens).toBeGreaterThan(0)
  })
})

describe('usageOfEvent', () => {
  test('message_start and message_delta carry usage; other events are not parsed', async () => {
    const events = await eventsOf(await Bun.file(`${fixtures}cache-usage.stream.sse`).text())
    const usages = events.map((event) => anthropic.usageOfEvent(event)).filter((usage) => usage !== undefined)
    expect(usages).toEqual([
      { inputTokens: 21, outputTokens: 3, cacheReadTokens: 4096, cacheWriteTokens: 188086, cacheWrite1hTokens: 0 },
      { inputTokens: 21, outputTokens: 393, cacheReadTokens: 4096, cacheWriteTokens: 188086 },
    ])
    expect(anthropic.usageOfEvent({ event: 'content_block_delta', data: '{"usage":' })).toBeUndefined()
    expect(anthropic.usageOfEvent({ data: '{"type":"message_delta","usage":{"output_tokens":7}}' })).toEqual({ outputTokens: 7 })
  })
})

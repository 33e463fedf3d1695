import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StreamPart } from '../../src/ir/index.ts'
import type { StreamContext } from '../../src/protocols/protocol.ts'
import { decodeStream, encodeStream } from '../../src/protocols/openai/index.ts'
import { parseSse } from '../../src/sse/parse-sse.ts'

const fixtureDir = join(import.meta.dir, '../fixtures/openai')
const SIGNATURE: StreamPart = { type: 'signature', provenance: { origin: 'openai' } }

async function* once(text: string): AsyncGenerator<string> {
  yield text
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

const decodeText = (text: string) => collect(decodeStream(parseSse(once(text))))
const decodeFixture = (scenario: string) => decodeText(readFileSync(join(fixtureDir, `${scenario}.stream.sse`), 'utf8'))

const context: StreamContext = { estimatedInputTokens: 0, includeUsage: true, id: 'chatcmpl-ctx', model: 'ctx-model', created: 1732000000 }

const start = (id: string, model: string): StreamPart => ({ type: 'start', id, model })
const text = (value: string): StreamPart => ({ type: 'text', text: value })
const toolStart = (index: number, id: string, name: string): StreamPart => ({ type: 'tool_call_start', index, id, name })
const toolDelta = (index: number, args: string): StreamPart => ({ type: 'tool_call_delta', index, arguments: args })
const fullUsage = (input: number, output: number, cacheRead: number, reasoning: number) =>
  ({ inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, reasoningTokens: reasoning })

const decodedStreams: [string, StreamPart[]][] = [
  ['plain-text', [
    start('chatcmpl-LlmuxPlain01', 'gpt-4o-2024-08-06'),
    text('Hello'), text('! How can I help'), text(' you today? 👋'),
    { type: 'finish', stopReason: 'end_turn' },
  ]],
  ['crlf', [
    start('chatcmpl-LlmuxPlain01', 'gpt-4o-2024-08-06'), text('Line one'), text(', still going.'),
    { type: 'finish', stopReason: 'end_turn' },
  ]],
  ['length-finish', [
    start('chatcmpl-LlmuxLength01', 'gpt-4o-mini-2024-07-18'), text('Once upon a time'), text(', in a land'),
    { type: 'finish', stopReason: 'max_tokens', usage: fullUsage(19, 5, 0, 0) },
  ]],
  ['cached-usage', [
    start('chatcmpl-LlmuxCached01', 'gpt-4o-2024-08-06'), text('The answer is 42.'),
    { type: 'finish', stopReason: 'end_turn', usage: fullUsage(86, 300, 1920, 0) },
  ]],
  ['parallel-tool-calls', [
    start('chatcmpl-LlmuxTools01', 'gpt-4o-2024-08-06'),
    toolStart(0, 'call_paris01', 'get_weather'), toolDelta(0, '{"ci'), toolDelta(0, 'ty": "Paris"}'),
    toolStart(1, 'call_tokyo02', 'get_weather'), toolDelta(1, '{"city": '), toolDelta(1, '"Tokyo"}'),
    { type: 'finish', stopReason: 'tool_use', usage: fullUsage(82, 46, 0, 0) },
  ]],
  ['arguments-in-final-chunk', [
    start('chatcmpl-LlmuxFinalArgs01', 'qwen2.5-coder-32b'),
    toolStart(0, 'call_final01', 'read_file'), toolDelta(0, '{"path":"src/index.ts"}'),
    { type: 'finish', stopReason: 'tool_use' },
  ]],
  ['tool-call-one-chunk', [
    start('chatcmpl-482', 'llama3.1:8b'),
    toolStart(0, 'call_x7k2m9', 'get_time'), toolDelta(0, '{"timezone":"Europe/Paris"}'),
    { type: 'finish', stopReason: 'tool_use' },
  ]],
  ['missing-index', [
    start('chatcmpl-LlmuxNoIndex01', 'gemini-2.0-flash'),
    toolStart(0, 'call_a', 'search'), toolDelta(0, '{"q":"bun"}'),
    toolStart(1, 'call_b', 'search'), toolDelta(1, '{"q":"sse"}'),
    { type: 'finish', stopReason: 'tool_use' },
  ]],
  ['reasoning', [
    start('9f3c2a1e-5b7d-4e8f-a1b2-c3d4e5f6a7b8', 'deepseek-reasoner'),
    { type: 'thinking', text: 'The user asks 9.11 vs 9.9.' }, { type: 'thinking', text: ' 9.9 = 9.90 > 9.11.' }, SIGNATURE,
    text('9.9 is'), text(' larger.'),
    { type: 'finish', stopReason: 'end_turn', usage: fullUsage(30, 120, 0, 98) },
  ]],
  ['stream-error', [
    start('chatcmpl-LlmuxError01', 'gpt-4o-2024-08-06'), text('Let me think'),
    { type: 'error', kind: 'api_error', message: 'The server had an error while processing your request. Sorry about that!' },
  ]],
  ['stream-cut', [
    start('chatcmpl-LlmuxCut01', 'gpt-4o-2024-08-06'), text('Half an ans'),
    { type: 'error', kind: 'bad_gateway', message: 'upstream stream ended before a finish_reason' },
  ]],
]

describe('openai decodeStream', () => {
  test.each(decodedStreams)('%s.stream.sse decodes to the expected parts', async (scenario, expected) => {
    expect(await decodeFixture(scenario)).toEqual(expected)
  })

  test('an empty stream is an error, not an empty answer', async () => {
    expect(await decodeText('')).toEqual([{ type: 'error', kind: 'bad_gateway', message: 'upstream stream ended before its first chunk' }])
  })

  test('[DONE] without a finish_reason still finishes; a finish without [DONE] too', async () => {
    const chunk = 'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n'
    expect((await decodeText(`${chunk}data: [DONE]\n\n`)).at(-1)).toEqual({ type: 'finish', stopReason: 'end_turn' })
    const finish = 'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\n'
    expect((await decodeText(chunk + finish)).at(-1)).toEqual({ type: 'finish', stopReason: 'max_tokens' })
  })

  test('arguments that come before the name wait for it', async () => {
    const parts = await decodeText([
      'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t1","function":{"arguments":"{\\"a\\""}}]}}]}',
      'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":":1}"}}]},"finish_reason":"tool_calls"}]}',
      'data: [DONE]',
    ].join('\n\n'))
    expect(parts.slice(1, 4)).toEqual([toolStart(0, 't1', 'f'), toolDelta(0, '{"a"'), toolDelta(0, ':1}')])
  })

  test('finish_reason "" on running chunks is not a finish; thinking closes once', async () => {
    const chunk = (delta: string, finish: string) => `data: {"id":"c","model":"m","choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`
    const parts = await decodeText(chunk('{"reasoning":"a"}', '""') + chunk('{"reasoning":"b"}', '""') + chunk('{"content":"x"}', '""') + chunk('{}', '"stop"'))
    expect(parts).toEqual([start('c', 'm'), { type: 'thinking', text: 'a' }, { type: 'thinking', text: 'b' }, SIGNATURE, text('x'), { type: 'finish', stopReason: 'end_turn' }])
  })

  test('a chunk that is not JSON ends the stream with an error', async () => {
    expect((await decodeText('data: {"id":"c","choices":[]}\n\ndata: {oops\n\n')).at(-1))
      .toEqual({ type: 'error', kind: 'bad_gateway', message: 'upstream sent a stream chunk that is not JSON' })
  })

  test('OpenRouter errors carry the HTTP status as a number code', async () => {
    expect(await decodeText('data: {"error":{"code":429,"message":"Provider returned error"}}\n\n'))
      .toEqual([{ type: 'error', kind: 'rate_limited', message: 'Provider returned error' }])
  })
})

describe('openai encodeStream', () => {
  test('parts become chat.completion.chunk lines, then the usage chunk and [DONE]', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'msg_01', model: 'claude-sonnet-4-5', usage: { inputTokens: 10, cacheReadTokens: 2 } },
      { type: 'ping' },
      { type: 'thinking', text: 'hmm' },
      { type: 'signature', provenance: { origin: 'anthropic', token: 'EqQBCkYIBxgC' } },
      { type: 'redacted_thinking', data: 'EmwK' },
      text('Hi'),
      toolStart(0, 'toolu_1', 'ls'),
      toolDelta(0, '{}'),
      { type: 'finish', stopReason: 'tool_use', usage: { outputTokens: 5 } },
    ]
    const head = '{"id":"chatcmpl-msg_01","object":"chat.completion.chunk","created":1732000000,"model":"claude-sonnet-4-5"'
    const line = (delta: string, finish = 'null') => `data: ${head},"choices":[{"index":0,"delta":${delta},"finish_reason":${finish}}]}\n\n`
    expect(await collect(encodeStream(from(parts), context))).toEqual([
      line('{"role":"assistant","content":""}'),
      line('{"reasoning_content":"hmm"}'),
      line('{"content":"Hi"}'),
      line('{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"ls","arguments":""}}]}'),
      line('{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}'),
      line('{}', '"tool_calls"'),
      `data: ${head},"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":2}}}\n\n`,
      'data: [DONE]\n\n',
    ])
  })

  test('no usage chunk unless the client asked; the context fills a missing start', async () => {
    const out = await collect(encodeStream(from<StreamPart>([text('a'), { type: 'finish', stopReason: 'end_turn' }]), { ...context, includeUsage: false }))
    expect(out).toHaveLength(4)
    expect(JSON.parse(out[0].slice(6))).toMatchObject({ id: 'chatcmpl-ctx', model: 'ctx-model', choices: [{ delta: { role: 'assistant' } }] })
    expect(out.at(-1)).toBe('data: [DONE]\n\n')
  })

  test('without a finish the stream ends in an error line, never a fake [DONE]', async () => {
    const out = await collect(encodeStream(from<StreamPart>([start('c', 'm'), text('half')]), context))
    expect(out.at(-1)).toBe('data: {"error":{"message":"upstream stream ended before the answer was complete","type":"server_error","param":null,"code":"bad_gateway"}}\n\n')
    expect(out.join('')).not.toContain('[DONE]')
  })

  test('an error part is the last thing sent', async () => {
    const out = await collect(encodeStream(from<StreamPart>([{ type: 'error', kind: 'overloaded', message: 'busy' }, text('never')]), context))
    expect(out).toEqual(['data: {"error":{"message":"busy","type":"server_error","param":null,"code":"overloaded"}}\n\n'])
  })

  // Text and reasoning deltas are written without building the chunk object: they must still be the
  // exact JSON the object would give, whatever the text holds.
  test('awkward text and reasoning reach the client exactly, as canonical JSON', async () => {
    const awkward = ['"quoted" \\ back\\slash', 'line\nbreak\ttab\r', 'é 漢字 🎉', '\u0000\u001f\u2028', '\ud800 lone', '</script>']
    const parts: StreamPart[] = [start('id "1"', 'model\\x'), ...awkward.flatMap((value): StreamPart[] => [text(value), { type: 'thinking', text: value }]), { type: 'finish', stopReason: 'end_turn' }]
    const out = await collect(encodeStream(from(parts), context))
    const deltas = out.slice(1, -2).map((line) => {
      const data = line.slice('data: '.length, -2)
      expect(JSON.stringify(JSON.parse(data))).toBe(data)
      return JSON.parse(data)
    })
    expect(deltas.map((chunk) => chunk.choices[0].delta.content ?? chunk.choices[0].delta.reasoning_content)).toEqual(awkward.flatMap((value) => [value, value]))
    expect(deltas.every((chunk) => chunk.id === 'chatcmpl-id "1"' && chunk.model === 'model\\x')).toBe(true)
  })

  // Encoding what a fixture decodes to, then decoding that, gives the same parts back: nothing the IR
  // holds is lost on the way to an OpenAI client (ids gain the chatcmpl- prefix).
  test.each(decodedStreams)('%s: decode∘encode∘decode keeps the parts', async (_scenario, expected) => {
    const finish = expected.find((part) => part.type === 'finish')
    const hasUsage = finish?.type === 'finish' && finish.usage !== undefined
    const sse = (await collect(encodeStream(from(expected), { ...context, includeUsage: hasUsage }))).join('')
    expect(sse).not.toContain('event:')
    const withPrefix = expected.map((part) => (part.type === 'start' && !part.id?.startsWith('chatcmpl-') ? { ...part, id: `chatcmpl-${part.id}` } : part))
    expect(await decodeText(sse)).toEqual(withPrefix)
  })
})

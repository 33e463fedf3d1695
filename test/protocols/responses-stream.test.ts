/**
 * Responses streams both ways: the encoder's event grammar (checked with the openai SDK's own SSE parser
 * and response accumulator, the code behind `responses.stream()`), and the decoder over a realistic
 * upstream stream split at every byte offset.
 */
import { describe, expect, test } from 'bun:test'
import { Stream } from 'openai/core/streaming'
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator'
import type { Response as SdkResponse, ResponseStreamEvent } from 'openai/resources/responses/responses'
import { flatTools, toolLookupOf } from '../../src/ir/flat-tools.ts'
import type { StreamPart } from '../../src/ir/index.ts'
import type { StreamContext } from '../../src/protocols/protocol.ts'
import { responses } from '../../src/protocols/responses/index.ts'
import { SseParser, type SseEvent } from '../../src/sse/parse-sse.ts'
import { responsesEventObjects, responsesSseEvent, type ResponsesAnswer } from '../helpers/responses-mock.ts'

const apply = { kind: 'custom' as const, name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }
const namespaced = { kind: 'function' as const, name: 'close_agent', namespace: 'multi_agent_v1', inputSchema: { type: 'object' } }
const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello "quoted" \\ path ünïcode\n*** End Patch\n'
const context: StreamContext = {
  id: 'resp_ctx',
  model: 'gpt-5.5',
  created: 1760000000,
  estimatedInputTokens: 42,
  includeUsage: false,
  tools: toolLookupOf([apply, namespaced]),
  includeReasoningToken: true,
}

function encode(parts: StreamPart[], streamContext: StreamContext = context): string[] {
  const encoder = responses.streamEncoder(streamContext)
  return [...parts.flatMap((part) => encoder.push(part)), ...encoder.end()]
}

type Event = ResponseStreamEvent | { type: 'keepalive'; sequence_number: number }

function eventsOf(texts: string[]): Event[] {
  return texts.map((text) => {
    const [eventLine, dataLine] = text.split('\n')
    const event = JSON.parse(dataLine.slice('data: '.length)) as Event
    expect(eventLine).toBe(`event: ${event.type}`)
    expect(text.endsWith('\n\n')).toBe(true)
    return event
  })
}

/** What `client.responses.stream(...)` would end with: the SDK's SSE parser and accumulator over the text. */
async function sdkFinal(texts: string[]): Promise<SdkResponse> {
  const stream = Stream.fromSSEResponse<Event>(new Response(texts.join('')), new AbortController())
  let snapshot: SdkResponse | undefined
  for await (const event of stream) snapshot = accumulateResponse(event as never, snapshot)
  if (snapshot === undefined) throw new Error('no events')
  return snapshot
}

/** A flattened backend's answer: reasoning with an Anthropic signature, text, a custom call, a namespaced call, interleaved. */
function backendParts(): StreamPart[] {
  const json = JSON.stringify({ input: patch })
  const pieces = json.match(/[\s\S]{1,5}/g) ?? []
  const flatName = flatTools([namespaced])[0].name
  return [
    { type: 'start', id: 'msg_01abc', model: 'claude-sonnet', usage: { inputTokens: 90, cacheReadTokens: 10 } },
    { type: 'ping' },
    { type: 'thinking', text: 'Let me ' },
    { type: 'thinking', text: 'plan.' },
    { type: 'signature', provenance: { origin: 'anthropic', token: 'EqQBsig==' } },
    { type: 'text', text: 'Patching ' },
    { type: 'text', text: 'now.' },
    { type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'apply_patch' },
    { type: 'tool_call_start', index: 1, id: 'toolu_2', name: flatName },
    ...pieces.flatMap((piece, i): StreamPart[] => [
      { type: 'tool_call_delta', index: 0, arguments: piece },
      ...(i === 1 ? [{ type: 'tool_call_delta' as const, index: 1, arguments: '{"target":' }] : []),
      ...(i === 3 ? [{ type: 'tool_call_delta' as const, index: 1, arguments: '"a1"}' }] : []),
    ]),
    { type: 'usage', usage: { outputTokens: 33 } },
    { type: 'finish', stopReason: 'tool_use', usage: { reasoningTokens: 5 } },
  ]
}

describe('stream encoder grammar', () => {
  const texts = encode(backendParts())
  const events = eventsOf(texts)
  const types = events.map((event) => event.type)

  test('sequence numbers count from 0; created and in_progress first, completed last', () => {
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, i) => i))
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress'])
    expect(types.at(-1)).toBe('response.completed')
    expect(types.filter((type) => type === 'response.completed')).toHaveLength(1)
    const created = events[0] as Extract<ResponseStreamEvent, { type: 'response.created' }>
    expect(created.response).toMatchObject({ id: 'resp_msg_01abc', model: 'claude-sonnet', status: 'in_progress', output: [], created_at: 1760000000 })
  })

  test('a ping is a keepalive event, not a comment', () => {
    expect(types[2]).toBe('keepalive')
  })

  test('each item: added before its deltas, content part before text deltas, done with the whole item', () => {
    const first = (type: string) => types.indexOf(type as never)
    expect(first('response.content_part.added')).toBeLessThan(first('response.output_text.delta'))
    expect(first('response.reasoning_summary_part.added')).toBeLessThan(first('response.reasoning_summary_text.delta'))
    expect(first('response.output_text.done')).toBeLessThan(first('response.content_part.done'))
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
    const done = events.filter((event) => event.type === 'response.output_item.done') as Extract<ResponseStreamEvent, { type: 'response.output_item.done' }>[]
    expect(done.map((event) => event.output_index).toSorted()).toEqual([0, 1, 2, 3])
    for (const event of done) expect(completed.response.output[event.output_index]).toEqual(event.item)
    for (const event of events) {
      if (!('output_index' in event) || event.type === 'response.output_item.added') continue
      const added = events.findIndex((other) => other.type === 'response.output_item.added' && other.output_index === event.output_index)
      expect(added).toBeGreaterThan(-1)
      expect(added).toBeLessThan(events.indexOf(event))
    }
  })

  test('the custom call comes whole and raw; the namespaced call is split back', () => {
    const inputDeltas = events.filter((event) => event.type === 'response.custom_tool_call_input.delta')
    expect(inputDeltas.map((event) => event.delta).join('')).toBe(patch)
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
    expect(completed.response.output).toEqual([
      { id: 'rs_msg_01abc_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me plan.' }], encrypted_content: 'llmux:anthropic:EqQBsig==' },
      { id: 'msg_msg_01abc_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Patching now.', annotations: [] }] },
      { id: 'ctc_msg_01abc_2', type: 'custom_tool_call', status: 'completed', call_id: 'toolu_1', name: 'apply_patch', input: patch },
      { id: 'fc_msg_01abc_3', type: 'function_call', status: 'completed', call_id: 'toolu_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a1"}' },
    ] as never)
    expect(completed.response.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 },
      output_tokens: 33,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 133,
    })
  })

  test("the openai SDK's accumulator follows every event and ends with the same response", async () => {
    const final = await sdkFinal(texts)
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
    expect(final.output_text).toBe('Patching now.')
    expect(final.output).toEqual(completed.response.output)
  })

  test('the reasoning item echoed back restores the Anthropic signature', () => {
    const completed = events.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
    const request = responses.decodeRequest({ model: 'm', input: [{ role: 'user', content: 'hi' }, ...completed.response.output] })
    expect(request.messages[1].content[0]).toEqual({ type: 'thinking', text: 'Let me plan.', isSummary: true, provenance: { origin: 'anthropic', token: 'EqQBsig==' } })
    expect(request.messages[1].content[2]).toMatchObject({ kind: 'custom', arguments: patch })
  })
})

// Delta events are written without building the event object: they must still be the exact JSON the
// object would give, whatever the text holds.
test('awkward text, reasoning and arguments reach the client exactly, as canonical JSON', () => {
  const awkward = ['"quoted" \\ back\\slash', 'line\nbreak\ttab\r', 'é 漢字 🎉', '\u0000\u001f\u2028', '\ud800 lone', '</script>']
  const texts = encode([
    { type: 'start', id: 'msg "1"', model: 'm' },
    ...awkward.map((text): StreamPart => ({ type: 'thinking', text })),
    ...awkward.map((text): StreamPart => ({ type: 'text', text })),
    { type: 'tool_call_start', index: 0, id: 'call_1', name: 'close_agent_x' },
    ...awkward.map((text): StreamPart => ({ type: 'tool_call_delta', index: 0, arguments: text })),
    { type: 'finish', stopReason: 'tool_use' },
  ], { ...context, tools: undefined })
  for (const text of texts) {
    const data = text.split('\n')[1].slice('data: '.length)
    expect(JSON.stringify(JSON.parse(data))).toBe(data)
  }
  const events = eventsOf(texts)
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, i) => i))
  const deltas = events.filter((event) => event.type.endsWith('.delta')) as { type: string; item_id: string; output_index: number; delta: string }[]
  expect(deltas.map((event) => [event.type, event.output_index, event.delta])).toEqual([
    ...awkward.map((text) => ['response.reasoning_summary_text.delta', 0, text]),
    ...awkward.map((text) => ['response.output_text.delta', 1, text]),
    ...awkward.map((text) => ['response.function_call_arguments.delta', 2, text]),
  ])
  const text = events.find((event) => event.type === 'response.output_text.delta')!
  expect(Object.keys(text)).toEqual(['type', 'sequence_number', 'item_id', 'output_index', 'content_index', 'delta', 'logprobs'])
  const summary = events.find((event) => event.type === 'response.reasoning_summary_text.delta')!
  expect(Object.keys(summary)).toEqual(['type', 'sequence_number', 'item_id', 'output_index', 'summary_index', 'delta'])
  const args = events.find((event) => event.type === 'response.function_call_arguments.delta')!
  expect(Object.keys(args)).toEqual(['type', 'sequence_number', 'item_id', 'output_index', 'delta'])
})

describe('stream encoder endings', () => {
  test('max_tokens ends with response.incomplete', async () => {
    const events = eventsOf(encode([{ type: 'start' }, { type: 'text', text: 'cut' }, { type: 'finish', stopReason: 'max_tokens' }]))
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, id: 'resp_ctx' } })
    // Unknown input falls back to the estimate; the wire needs numbers.
    expect(events.at(-1)).toMatchObject({ response: { usage: { input_tokens: 42, output_tokens: 0 } } })
  })

  test('an error part ends with response.failed carrying the finished items only', () => {
    const events = eventsOf(encode([
      { type: 'start', id: 'resp_up' },
      { type: 'text', text: 'partial' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'get' },
      { type: 'error', kind: 'rate_limited', message: 'Rate limited. Please try again in 7s.' },
    ]))
    const failed = events.at(-1)
    expect(failed).toMatchObject({
      type: 'response.failed',
      response: { id: 'resp_up', status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limited. Please try again in 7s.' } },
    })
    expect(failed?.type === 'response.failed' && failed.response.output.map((item) => item.type)).toEqual(['message'])
    expect(events.filter((event) => event.type === 'response.failed')).toHaveLength(1)
  })

  test('parts that end without a finish end with response.failed (server_error), even with nothing before', () => {
    for (const parts of [[{ type: 'start' }, { type: 'text', text: 'hi' }], []] as StreamPart[][]) {
      const events = eventsOf(encode(parts))
      expect(events[0].type).toBe('response.created')
      expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'server_error' } } })
    }
  })

  test('context length errors say context_length_exceeded; reasoning tokens only when asked', () => {
    const events = eventsOf(encode([{ type: 'error', kind: 'invalid_request', message: 'prompt is too long: 250000 tokens > 200000 maximum' }]))
    expect(events.at(-1)).toMatchObject({ response: { error: { code: 'context_length_exceeded' } } })
    const quiet = eventsOf(encode([{ type: 'thinking', text: 'x' }, { type: 'signature', provenance: { origin: 'anthropic', token: 's' } }, { type: 'redacted_thinking', data: 'r' }, { type: 'finish', stopReason: 'end_turn' }], { ...context, includeReasoningToken: false }))
    const completed = quiet.at(-1) as Extract<ResponseStreamEvent, { type: 'response.completed' }>
    expect(completed.response.output).toEqual([{ id: 'rs_ctx_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'x' }] }])
  })
})

/** SSE text parsed after being split at `offset` (undefined: not split). */
function parse(text: string, offset?: number): SseEvent[] {
  const events: SseEvent[] = []
  const parser = new SseParser((event) => events.push(event))
  if (offset === undefined) parser.push(text)
  else {
    parser.push(text.slice(0, offset))
    parser.push(text.slice(offset))
  }
  parser.end()
  return events
}

function decode(events: SseEvent[]): StreamPart[] {
  const decoder = responses.streamDecoder()
  const parts = events.flatMap((event) => decoder.push(event))
  return [...parts, ...decoder.end()]
}

const upstreamAnswer: ResponsesAnswer = {
  id: 'resp_up1',
  model: 'gpt-5.5',
  items: [
    { type: 'reasoning', summary: 'Thinking it over.', encryptedContent: 'gAAAAenc==', id: 'rs_up1' },
    { type: 'text', text: 'Here — “unicode” too.', id: 'msg_up1' },
    { type: 'function_call', callId: 'call_a', name: 'exec_command', arguments: '{"cmd":"echo hi"}', id: 'fc_up1' },
    { type: 'custom_tool_call', callId: 'call_b', name: 'apply_patch', input: patch, id: 'ctc_up1' },
  ],
  usage: { input_tokens: 200, cached_tokens: 150, output_tokens: 40, reasoning_tokens: 16 },
}

describe('stream decoder', () => {
  const text = responsesEventObjects(upstreamAnswer, { deltaSize: 4 }).map(responsesSseEvent).join('')
  const expected = decode(parse(text))

  test('a realistic stream decodes to start, thinking, signature, text, calls, finish with usage', () => {
    const joined: StreamPart[] = []
    for (const part of expected) {
      const last = joined.at(-1)
      if (last !== undefined && (part.type === 'text' || part.type === 'thinking') && last.type === part.type) last.text += part.text
      else if (last !== undefined && part.type === 'tool_call_delta' && last.type === 'tool_call_delta' && last.index === part.index) last.arguments += part.arguments
      else joined.push({ ...part })
    }
    expect(joined).toEqual([
      { type: 'start', id: 'resp_up1', model: 'gpt-5.5' },
      { type: 'thinking', text: 'Thinking it over.' },
      { type: 'signature', provenance: { origin: 'responses', token: 'gAAAAenc==', itemId: 'rs_up1' } },
      { type: 'text', text: 'Here — “unicode” too.' },
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'exec_command', itemId: 'fc_up1' },
      { type: 'tool_call_delta', index: 0, arguments: '{"cmd":"echo hi"}' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'apply_patch', itemId: 'ctc_up1' },
      { type: 'tool_call_delta', index: 1, arguments: patch },
      { type: 'finish', stopReason: 'tool_use', usage: expect.objectContaining({ inputTokens: 50, cacheReadTokens: 150, outputTokens: 40, reasoningTokens: 16 }) },
    ] as never)
  })

  test('split at every offset, the same parts', () => {
    for (let offset = 1; offset < text.length; offset++) {
      const parts = decode(parse(text, offset))
      if (!Bun.deepEquals(parts, expected)) expect({ offset, parts }).toEqual({ offset, parts: expected })
    }
  })

  test('incomplete → max_tokens; failed → an error part of its kind; cut → bad_gateway; error event', () => {
    const incomplete = decode(parse(responsesEventObjects({ text: 'cut', status: 'incomplete' }).map(responsesSseEvent).join('')))
    expect(incomplete.at(-1)).toMatchObject({ type: 'finish', stopReason: 'max_tokens' })
    const failed = decode(parse(responsesEventObjects({ text: 'x' }, { failWith: { code: 'rate_limit_exceeded', message: 'Please try again in 3s.' } }).map(responsesSseEvent).join('')))
    expect(failed.at(-1)).toEqual({ type: 'error', kind: 'rate_limited', message: 'Please try again in 3s.' })
    const cut = decode(parse(responsesEventObjects({ text: 'x' }, { cut: true }).map(responsesSseEvent).join('')))
    expect(cut.at(-1)).toMatchObject({ type: 'error', kind: 'bad_gateway' })
    const error = decode([{ event: 'error', data: '{"type":"error","code":"server_error","message":"boom","param":null}' }])
    expect(error).toEqual([{ type: 'error', kind: 'api_error', message: 'boom' }])
  })

  test('decoded then re-encoded for a Responses client, the SDK sees the same text and calls', async () => {
    const texts = encode(expected, { ...context, tools: undefined })
    const final = await sdkFinal(texts)
    expect(final.output_text).toBe('Here — “unicode” too.')
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call'])
    expect(final.output[0]).toMatchObject({ id: 'rs_up1', encrypted_content: 'gAAAAenc==' })
  })
})

describe('passthrough readers', () => {
  const objects = responsesEventObjects(upstreamAnswer)
  const events = parse(objects.map(responsesSseEvent).join(''))

  test('usage only from the terminal event', () => {
    const usages = events.map((event) => responses.usageOfEvent(event)).filter((usage) => usage !== undefined)
    expect(usages).toEqual([expect.objectContaining({ inputTokens: 50, cacheReadTokens: 150, outputTokens: 40, reasoningTokens: 16 })])
  })

  test('probe: terminal, error and the chunks that may matter', () => {
    const last = events.at(-1) as SseEvent
    expect(responses.probe.isTerminal(last)).toBe(true)
    expect(events.slice(0, -1).some((event) => responses.probe.isTerminal(event))).toBe(false)
    expect(responses.probe.isTerminal({ data: last.data })).toBe(true) // no event: line
    expect(responses.probe.isError({ event: 'response.failed', data: '{}' })).toBe(true)
    expect(responses.probe.isError({ data: '{"type":"error","message":"x"}' })).toBe(true)
    expect(responses.probe.isError(last)).toBe(false)
    const mayMatter = (text: string) => responses.probe.markers.some((marker) => text.includes(marker))
    expect(mayMatter(`event: response.completed\ndata: ${last.data}\n\n`)).toBe(true)
    expect(mayMatter('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"hi"}\n\n')).toBe(false)
  })
})

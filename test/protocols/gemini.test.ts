import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { GatewayError } from '../../src/errors.ts'
import type { ChatRequest, ChatResponse, ContentPart, Message, StreamPart } from '../../src/ir/index.ts'
import { gemini } from '../../src/protocols/gemini/index.ts'
import type { GeminiRequest, GeminiThinkingConfig, GeminiToolConfig } from '../../src/protocols/gemini/wire.ts'
import { parseSse } from '../../src/sse/parse-sse.ts'
import { AZURE_DEFAULT_API_VERSION, azureAuthHeaders, azureChatUrl, azureEmbeddingsUrl } from '../../src/providers/azure.ts'
import { geminiAuthHeaders, geminiEmbeddingsUrl, geminiUrl } from '../../src/providers/gemini.ts'

const fixturePath = (name: string) => new URL(`../fixtures/gemini/${name}`, import.meta.url)
const text = (name: string): string => readFileSync(fixturePath(name), 'utf8')
const json = (name: string): unknown => JSON.parse(text(name))

const request = (fields: Partial<ChatRequest>): ChatRequest => ({
  model: 'gemini-2.5-flash',
  system: [],
  messages: [],
  isStreaming: false,
  ...fields,
})
const user = (...content: ContentPart[]): Message => ({ role: 'user', content })
const assistant = (...content: ContentPart[]): Message => ({ role: 'assistant', content })
const said = (words: string): ContentPart => ({ type: 'text', text: words })

/** Feeds fixture text to the decoder in small pieces, as a network would. */
async function streamParts(name: string, pieceLength = 37): Promise<StreamPart[]> {
  const raw = text(name)
  async function* pieces() {
    for (let i = 0; i < raw.length; i += pieceLength) yield raw.slice(i, i + pieceLength)
  }
  const parts: StreamPart[] = []
  for await (const part of gemini.decodeStream(parseSse(pieces()))) parts.push(part)
  return parts
}

/** What a client does with a stream: rebuilds the answer's content (Anthropic blocks, in effect). */
function contentOfStream(parts: StreamPart[]): ContentPart[] {
  const content: ContentPart[] = []
  for (const part of parts) {
    const last = content.at(-1)
    if (part.type === 'text') {
      if (last?.type === 'text') last.text += part.text
      else content.push({ type: 'text', text: part.text })
    } else if (part.type === 'thinking') {
      if (last?.type === 'thinking' && last.provenance === undefined) last.text += part.text
      else content.push({ type: 'thinking', text: part.text })
    } else if (part.type === 'signature' && last?.type === 'thinking') {
      last.provenance = part.provenance
    } else if (part.type === 'tool_call_start') {
      content.push({ type: 'tool_call', id: part.id, name: part.name, arguments: '' })
    } else if (part.type === 'tool_call_delta' && last?.type === 'tool_call') {
      last.arguments += part.arguments
    }
  }
  return content
}

const PARIS_SIGNATURE = 'CiQB0e2Kb7Ub2N1ZYnMm9Q3vGx4Xk0u1hQ0A2bU6YVYl0dC2sEkKWwHR7YpvHq8='
const TOWEL_SIGNATURE = 'EqQBCqEBAdHtim9lLvW2k0rvc5X8oZkYbxRZhVyXg8s0VGy3zC0gPS0='
const TOWEL_THOUGHT = '**Weighing the clues**\n\nThe riddle points at a towel: it gets wetter the more it dries.'

const weatherSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city'],
  additionalProperties: false,
}

describe('gemini.encodeRequest: IR → generateContent body', () => {
  const cases: [string, ChatRequest, GeminiRequest][] = [
    [
      'system, text and sampling',
      request({
        system: [said('Be terse.') as { type: 'text'; text: string }],
        messages: [user(said('Hi'))],
        maxTokens: 256,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        user: 'u-1',
        parallelToolCalls: false,
        includeUsage: true,
      }),
      {
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        systemInstruction: { parts: [{ text: 'Be terse.' }] },
        generationConfig: { maxOutputTokens: 256, temperature: 0.2, topP: 0.9, topK: 40, stopSequences: ['END'] },
      },
    ],
    [
      'tools, tool choice, parallel calls and their results',
      request({
        system: [
          { type: 'text', text: 'You are a weather assistant.' },
          { type: 'text', text: 'Answer briefly.' },
        ],
        messages: [
          user(said('Weather in Paris and London?')),
          assistant(
            { type: 'thinking', text: '', provenance: { origin: 'gemini', token: PARIS_SIGNATURE } },
            { type: 'tool_call', id: 'call_r1_0_get_weather', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool_call', id: 'call_r1_1_get_weather', name: 'get_weather', arguments: '{"city":"London"}' },
          ),
          user(
            { type: 'tool_result', toolCallId: 'call_r1_0_get_weather', content: [said('18°C, sunny') as { type: 'text'; text: string }] },
            { type: 'tool_result', toolCallId: 'call_r1_1_get_weather', content: [{ type: 'text', text: 'city not found' }], isError: true },
            said('Use Celsius.'),
          ),
        ],
        tools: [
          { kind: 'function', name: 'get_weather', description: 'Current weather for a city', inputSchema: weatherSchema },
          { kind: 'function', name: 'list_cities', inputSchema: {} },
        ],
        toolChoice: { type: 'auto' },
        parallelToolCalls: false,
        maxTokens: 1024,
      }),
      json('tools.request.json') as GeminiRequest,
    ],
    [
      'images inline, by URL, as data URL, and inside a tool result',
      request({
        messages: [
          user(
            said('What is in these pictures?'),
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.JPG?size=large' } },
            { type: 'image', source: { kind: 'url', url: 'data:image/webp;base64,UklGRiQAAABXRUJQ' } },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/photo' } },
          ),
          assistant(said('A cat. Let me take a screenshot too.'), { type: 'tool_call', id: 'toolu_01', name: 'screenshot', arguments: '' }),
          user({
            type: 'tool_result',
            toolCallId: 'toolu_01',
            content: [
              { type: 'text', text: 'captured' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' } },
            ],
          }),
        ],
        tools: [{ kind: 'function', name: 'screenshot', inputSchema: { type: 'object', properties: {} } }],
      }),
      json('image.request.json') as GeminiRequest,
    ],
    [
      'thinking: Gemini thoughts go back, other reasoning is dropped, system turns become user text',
      request({
        maxTokens: 8000,
        thinking: { type: 'enabled', budgetTokens: 2048 },
        messages: [
          user(said('What gets wetter the more it dries?')),
          assistant(
            { type: 'thinking', text: 'Claude pondered.', provenance: { origin: 'anthropic', token: 'EqMBCkYIBxgCKkBsig' } },
            { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
            { type: 'thinking', text: 'OpenAI reasoning.', provenance: { origin: 'openai' } },
            { type: 'thinking', text: 'Unsigned reasoning.' },
            { type: 'thinking', text: TOWEL_THOUGHT, provenance: { origin: 'gemini', token: TOWEL_SIGNATURE } },
            said('A towel.'),
          ),
          user(said('Another one?')),
          { role: 'system', content: [said('Keep riddles short.')] },
        ],
      }),
      json('thinking.request.json') as GeminiRequest,
    ],
  ]

  test.each(cases)('%s', (_name, chat, expected) => {
    expect(gemini.encodeRequest(chat, 'gemini-2.5-flash')).toEqual(expected)
  })

  const toolChoices: [ChatRequest['toolChoice'], GeminiToolConfig | undefined][] = [
    [{ type: 'auto' }, { functionCallingConfig: { mode: 'AUTO' } }],
    [{ type: 'required' }, { functionCallingConfig: { mode: 'ANY' } }],
    [{ type: 'none' }, { functionCallingConfig: { mode: 'NONE' } }],
    [{ type: 'tool', name: 'get_weather' }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } }],
    [undefined, undefined],
  ]
  test.each(toolChoices)('tool choice %j → toolConfig %j', (toolChoice, expected) => {
    const body = gemini.encodeRequest(
      request({ messages: [user(said('Hi'))], tools: [{ kind: 'function', name: 'get_weather', inputSchema: weatherSchema }], toolChoice }),
      'm',
    )
    expect(body.toolConfig).toEqual(expected)
  })

  test('a tool choice without tools sends no toolConfig', () => {
    const body = gemini.encodeRequest(request({ messages: [user(said('Hi'))], toolChoice: { type: 'required' } }), 'm')
    expect(body.toolConfig).toBeUndefined()
    expect(body.tools).toBeUndefined()
  })

  const thinkingCases: [string, Partial<ChatRequest>, GeminiThinkingConfig | undefined][] = [
    ['enabled with a budget', { thinking: { type: 'enabled', budgetTokens: 5000 } }, { thinkingBudget: 5000, includeThoughts: true }],
    ['enabled without a budget', { thinking: { type: 'enabled' } }, { thinkingBudget: -1, includeThoughts: true }],
    ['adaptive', { thinking: { type: 'adaptive' } }, { thinkingBudget: -1, includeThoughts: true }],
    ['adaptive with effort', { thinking: { type: 'adaptive' }, reasoningEffort: 'low' }, { thinkingBudget: 1024, includeThoughts: true }],
    ['effort high', { reasoningEffort: 'high' }, { thinkingBudget: 24576, includeThoughts: true }],
    ['effort medium', { reasoningEffort: 'medium' }, { thinkingBudget: 8192, includeThoughts: true }],
    ['effort minimal (no documented budget)', { reasoningEffort: 'minimal' }, undefined],
    ['disabled', { thinking: { type: 'disabled' }, reasoningEffort: 'high' }, undefined],
    ['nothing asked', {}, undefined],
  ]
  test.each(thinkingCases)('thinking %s', (_name, fields, expected) => {
    const body = gemini.encodeRequest(request({ messages: [user(said('Hi'))], ...fields }), 'm')
    expect(body.generationConfig).toEqual(expected === undefined ? undefined : { thinkingConfig: expected })
  })

  test('response formats', () => {
    const jsonMode = gemini.encodeRequest(request({ messages: [user(said('Hi'))], responseFormat: { type: 'json_object' } }), 'm')
    expect(jsonMode.generationConfig).toEqual({ responseMimeType: 'application/json' })
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'integer' } } }
    const structured = gemini.encodeRequest(
      request({ messages: [user(said('Hi'))], responseFormat: { type: 'json_schema', name: 'out', strict: true, schema } }),
      'm',
    )
    expect(structured.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { a: { type: 'integer' } } },
    })
    const plain = gemini.encodeRequest(request({ messages: [user(said('Hi'))], responseFormat: { type: 'text' } }), 'm')
    expect(plain.generationConfig).toBeUndefined()
  })

  test("the client's schemas are never changed", () => {
    const schema = structuredClone(weatherSchema)
    const emptySchema = {}
    const outputSchema = { $schema: 'x', type: 'object' }
    gemini.encodeRequest(
      request({
        messages: [user(said('Hi'))],
        tools: [{ kind: 'function', name: 'a', inputSchema: schema }, { kind: 'function', name: 'b', inputSchema: emptySchema }],
        responseFormat: { type: 'json_schema', schema: outputSchema },
      }),
      'm',
    )
    expect(schema).toEqual(weatherSchema)
    expect(emptySchema).toEqual({})
    expect(outputSchema).toEqual({ $schema: 'x', type: 'object' })
  })

  test('only the first call of a turn gets the placeholder signature, and only without its own', () => {
    const body = gemini.encodeRequest(
      request({
        messages: [
          user(said('Go')),
          assistant({ type: 'tool_call', id: 'a', name: 'f', arguments: '{}' }, { type: 'tool_call', id: 'b', name: 'g', arguments: '{}' }),
          user({ type: 'tool_result', toolCallId: 'a', content: [] }, { type: 'tool_result', toolCallId: 'b', content: [] }),
        ],
      }),
      'm',
    )
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Go' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'f', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
          { functionCall: { name: 'g', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'f', response: { output: '' } } },
          { functionResponse: { name: 'g', response: { output: '' } } },
        ],
      },
    ])
  })

  test('a tool result that answers no call is a client error', () => {
    const chat = request({ messages: [user({ type: 'tool_result', toolCallId: 'nope', content: [] })] })
    expect(() => gemini.encodeRequest(chat, 'm')).toThrow(GatewayError)
    expect(() => gemini.encodeRequest(chat, 'm')).toThrow('tool result "nope" answers no tool call')
  })

  test('tool call arguments that are not a JSON object are a client error', () => {
    const chat = request({ messages: [user(said('Go')), assistant({ type: 'tool_call', id: 'a', name: 'f', arguments: '[1,2]' })] })
    expect(() => gemini.encodeRequest(chat, 'm')).toThrow('tool call "a": arguments are not a JSON object')
  })
})

describe('gemini.decodeResponse: generateContent response → IR', () => {
  const cases: [string, ChatResponse][] = [
    [
      'text.response.json',
      {
        id: 'mB9oaJ2kFcqgz7IPvZ6JqAo',
        model: 'gemini-2.5-flash',
        content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
        stopReason: 'end_turn',
        usage: { inputTokens: 8, outputTokens: 9 },
      },
    ],
    [
      'function-call.response.json',
      {
        id: 'Xc5oaL3rJ9XZz7IP4tqE-Ak',
        model: 'gemini-3-pro-preview',
        content: [
          { type: 'thinking', text: '', provenance: { origin: 'gemini', token: PARIS_SIGNATURE } },
          { type: 'tool_call', id: 'call_Xc5oaL3rJ9XZz7IP4tqE-Ak_0_get_weather', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'call_Xc5oaL3rJ9XZz7IP4tqE-Ak_1_get_weather', name: 'get_weather', arguments: '{"city":"London"}' },
        ],
        stopReason: 'tool_use',
        usage: { inputTokens: 120, outputTokens: 170, reasoningTokens: 140 },
      },
    ],
    [
      'thinking.response.json',
      {
        id: 't2doaKP1Hou0z7IPvP2RkQc',
        model: 'gemini-2.5-pro',
        content: [
          { type: 'thinking', text: TOWEL_THOUGHT, provenance: { origin: 'gemini', token: TOWEL_SIGNATURE } },
          { type: 'text', text: 'A towel.' },
        ],
        stopReason: 'end_turn',
        usage: { inputTokens: 52, outputTokens: 292, cacheReadTokens: 2048, reasoningTokens: 288 },
      },
    ],
    [
      'safety.response.json',
      { id: 'sF1oaMHXB4Whz7IPk7mZ2QM', model: 'gemini-2.5-flash', content: [], stopReason: 'content_filter', usage: { inputTokens: 14 } },
    ],
    [
      'prompt-blocked.response.json',
      { id: 'pB2oaK2pM4C1z7IPo6ao4QE', model: 'gemini-2.5-flash', content: [], stopReason: 'content_filter', usage: { inputTokens: 21 } },
    ],
    [
      'max-tokens.response.json',
      {
        id: 'mT3oaNqRCoC1z7IPo6ao4QE',
        model: 'gemini-2.5-flash-lite',
        content: [{ type: 'text', text: 'Once upon a time, in a land far' }],
        stopReason: 'max_tokens',
        usage: { inputTokens: 6, outputTokens: 10 },
      },
    ],
  ]

  test.each(cases)('%s', (name, expected) => {
    expect(gemini.decodeResponse(json(name))).toEqual(expected)
  })

  test('a call without responseId gets a positional id; a call with its own id keeps it', () => {
    const response = gemini.decodeResponse({
      candidates: [
        {
          content: { role: 'model', parts: [{ functionCall: { name: 'f.g', args: {} } }, { functionCall: { id: 'fc-9', name: 'h' } }] },
          finishReason: 'STOP',
        },
      ],
    })
    expect(response.content).toEqual([
      { type: 'tool_call', id: 'call_0_f_g', name: 'f.g', arguments: '{}' },
      { type: 'tool_call', id: 'fc-9', name: 'h', arguments: '{}' },
    ])
    expect(response.usage).toEqual({})
  })

  const broken: [string, unknown][] = [
    ['not an object', [1, 2]],
    ['no candidates and no block reason', { usageMetadata: { promptTokenCount: 1 } }],
  ]
  test.each(broken)('%s → bad_gateway', (_name, body) => {
    let caught: unknown
    try {
      gemini.decodeResponse(body)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(GatewayError)
    expect((caught as GatewayError).kind).toBe('bad_gateway')
  })
})

describe('gemini.decodeStream: streamGenerateContent?alt=sse → stream parts', () => {
  const cases: [string, StreamPart[]][] = [
    [
      'text.stream.sse',
      [
        { type: 'start', id: 's1doaOnkD4C1z7IPo6ao4QE', model: 'gemini-2.5-flash', usage: { inputTokens: 7 } },
        { type: 'text', text: 'The sky' },
        { type: 'text', text: ' is blue because air scatters' },
        { type: 'text', text: ' short wavelengths more.' },
        { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 7, outputTokens: 12 } },
      ],
    ],
    [
      'function-call.stream.sse',
      [
        { type: 'start', id: 'fS1oaKq2A4C1z7IPo6ao4QE', model: 'gemini-2.5-pro', usage: { inputTokens: 95 } },
        { type: 'thinking', text: '**Finding the forecast**\n\nI should call the weather tool for Paris.' },
        { type: 'signature', provenance: { origin: 'gemini', token: 'CpwCAdHtim+kYrJj0tFqH3T8rHq5bq0Y5Xyb8v6sV4o2bQwF0e2KbUq7nQ==' } },
        { type: 'tool_call_start', index: 0, id: 'call_fS1oaKq2A4C1z7IPo6ao4QE_0_get_weather', name: 'get_weather' },
        { type: 'tool_call_delta', index: 0, arguments: '{"city":"Paris","unit":"celsius"}' },
        { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 95, outputTokens: 103, reasoningTokens: 85 } },
      ],
    ],
    [
      'thinking.stream.sse',
      [
        { type: 'start', id: 'k9doaOyWL4C1z7IPo6ao4QE', model: 'gemini-2.5-flash', usage: { inputTokens: 52, cacheReadTokens: 2048 } },
        { type: 'thinking', text: '**Counting letters**\n\nStrawberry: s-t-r-a-w-b-e-r-r-y.' },
        { type: 'thinking', text: " That makes three r's." },
        { type: 'signature', provenance: { origin: 'gemini' } },
        { type: 'text', text: 'There are three r\'s in "strawberry".' },
        { type: 'thinking', text: '' },
        { type: 'signature', provenance: { origin: 'gemini', token: 'EuYDCuMDAdHtim9x2x0rQm1nYvWkz9yJ8PHmYlJ9cE2Lq6b3wq0h1Xk=' } },
        { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 52, outputTokens: 100, cacheReadTokens: 2048, reasoningTokens: 90 } },
      ],
    ],
    [
      'safety.stream.sse',
      [
        { type: 'start', id: 'q8doaPSXEYC1z7IPo6ao4QE', model: 'gemini-2.5-flash', usage: { inputTokens: 12 } },
        { type: 'text', text: 'Here is how' },
        { type: 'finish', stopReason: 'content_filter', usage: { inputTokens: 12, outputTokens: 3 } },
      ],
    ],
    [
      'error.stream.sse',
      [
        { type: 'start', id: 'e4doaPSXEYC1z7IPo6ao4QE', model: 'gemini-2.5-flash', usage: { inputTokens: 12 } },
        { type: 'text', text: 'Partial answer' },
        { type: 'error', kind: 'unavailable', message: 'The model is overloaded. Please try again later.' },
      ],
    ],
    [
      'truncated.stream.sse',
      [
        { type: 'start', id: 't4doaPSXEYC1z7IPo6ao4QE', model: 'gemini-2.5-flash', usage: { inputTokens: 5 } },
        { type: 'text', text: 'Cut off' },
        { type: 'error', kind: 'bad_gateway', message: 'Gemini stream ended before its finish reason' },
      ],
    ],
  ]

  test.each(cases)('%s', async (name, expected) => {
    expect(await streamParts(name)).toEqual(expected)
  })

  test('the parts do not depend on where the network splits the bytes', async () => {
    const whole = await streamParts('function-call.stream.sse', 1_000_000)
    for (const pieceLength of [1, 2, 7, 64]) expect(await streamParts('function-call.stream.sse', pieceLength)).toEqual(whole)
  })

  test('an error before the first chunk is thrown, so the gateway can still fail over', async () => {
    async function* events() {
      yield { data: JSON.stringify(json('error-rate-limit.json')) }
    }
    const parts = gemini.decodeStream(events())
    let caught: unknown
    try {
      await parts.next()
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(GatewayError)
    expect((caught as GatewayError).kind).toBe('rate_limited')
  })

  test('an empty stream is thrown as bad_gateway', async () => {
    async function* events(): AsyncGenerator<{ data: string }> {}
    await expect(gemini.decodeStream(events()).next()).rejects.toThrow('Gemini stream ended without a single event')
  })

  test('a stream and its non-streamed twin give the same content', async () => {
    const streamed = contentOfStream(await streamParts('function-call.stream.sse'))
    expect(streamed).toEqual([
      {
        type: 'thinking',
        text: '**Finding the forecast**\n\nI should call the weather tool for Paris.',
        provenance: { origin: 'gemini', token: 'CpwCAdHtim+kYrJj0tFqH3T8rHq5bq0Y5Xyb8v6sV4o2bQwF0e2KbUq7nQ==' },
      },
      { type: 'tool_call', id: 'call_fS1oaKq2A4C1z7IPo6ao4QE_0_get_weather', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    ])
  })
})

describe('thought signatures survive the round trip: response → IR → next request', () => {
  const nextRequest = (answer: ContentPart[], reply: ContentPart) =>
    gemini.encodeRequest(request({ messages: [user(said('Weather?')), assistant(...answer), user(reply)] }), 'm')

  test('non-streamed: the signature returns on the first functionCall, not on the second', () => {
    const response = gemini.decodeResponse(json('function-call.response.json'))
    const results = response.content.flatMap((part): ContentPart[] =>
      part.type === 'tool_call' ? [{ type: 'tool_result', toolCallId: part.id, content: [{ type: 'text', text: 'mild' }] }] : [],
    )
    const body = gemini.encodeRequest(request({ messages: [user(said('Weather?')), assistant(...response.content), user(...results)] }), 'm')
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: PARIS_SIGNATURE },
        { functionCall: { name: 'get_weather', args: { city: 'London' } } },
      ],
    })
    expect(body.contents[2].parts.map((part) => part.functionResponse?.name)).toEqual(['get_weather', 'get_weather'])
  })

  test('streamed: thought text and the call come back as Gemini sent them', async () => {
    const answer = contentOfStream(await streamParts('function-call.stream.sse'))
    const call = answer.find((part) => part.type === 'tool_call')
    const body = nextRequest(answer, { type: 'tool_result', toolCallId: call?.type === 'tool_call' ? call.id : '', content: [] })
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: '**Finding the forecast**\n\nI should call the weather tool for Paris.', thought: true },
        {
          functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } },
          thoughtSignature: 'CpwCAdHtim+kYrJj0tFqH3T8rHq5bq0Y5Xyb8v6sV4o2bQwF0e2KbUq7nQ==',
        },
      ],
    })
  })

  test('streamed: a signature Gemini sent last returns on the last part', async () => {
    const answer = contentOfStream(await streamParts('thinking.stream.sse'))
    const body = nextRequest(answer, said('Thanks'))
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: "**Counting letters**\n\nStrawberry: s-t-r-a-w-b-e-r-r-y. That makes three r's.", thought: true },
        {
          text: 'There are three r\'s in "strawberry".',
          thoughtSignature: 'EuYDCuMDAdHtim9x2x0rQm1nYvWkz9yJ8PHmYlJ9cE2Lq6b3wq0h1Xk=',
        },
      ],
    })
  })

  test('non-streamed thinking: the text signature returns on the text', () => {
    const response = gemini.decodeResponse(json('thinking.response.json'))
    expect(nextRequest(response.content, said('Again')).contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: TOWEL_THOUGHT, thought: true },
        { text: 'A towel.', thoughtSignature: TOWEL_SIGNATURE },
      ],
    })
  })
})

describe('gemini.decodeError', () => {
  const cases: [string, number, string, { kind: string; message: string; retryAfterMs?: number }][] = [
    ['bad key', 400, text('error-invalid-key.json'), { kind: 'authentication', message: 'API key not valid. Please pass a valid API key.' }],
    [
      'quota with RetryInfo',
      429,
      text('error-rate-limit.json'),
      { kind: 'rate_limited', message: 'You exceeded your current quota, please check your plan and billing details.', retryAfterMs: 37_000 },
    ],
    [
      'context too long',
      400,
      text('error-context-too-long.json'),
      { kind: 'invalid_request', message: 'The input token count (1200345) exceeds the maximum number of tokens allowed (1048576).' },
    ],
    ['overloaded, array-wrapped', 503, text('error-overloaded.json'), { kind: 'unavailable', message: 'The model is overloaded. Please try again later.' }],
    [
      'unknown model',
      404,
      text('error-model-not-found.json'),
      {
        kind: 'not_found',
        message:
          'models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
      },
    ],
    ['permission', 403, '{"error":{"code":403,"message":"Denied","status":"PERMISSION_DENIED"}}', { kind: 'permission', message: 'Denied' }],
    ['sub-second retry delay', 429, '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow down","details":[{"retryDelay":"0.5s"}]}}', { kind: 'rate_limited', message: 'slow down', retryAfterMs: 500 }],
    ['no status, by HTTP code', 504, '{"error":{"message":"Deadline"}}', { kind: 'timeout', message: 'Deadline' }],
    ['an HTML page', 502, '<html><body>Bad Gateway</body></html>', { kind: 'bad_gateway', message: '<html><body>Bad Gateway</body></html>' }],
    ['an empty body', 500, '', { kind: 'api_error', message: 'Gemini answered HTTP 500' }],
  ]
  test.each(cases)('%s', (_name, status, body, expected) => {
    expect(gemini.decodeError(status, body)).toEqual(expected as ReturnType<typeof gemini.decodeError>)
  })
})

describe('usage', () => {
  test('of a response: cached tokens leave input, thoughts join output', () => {
    expect(gemini.usageOfResponse(json('thinking.response.json'))).toEqual({
      inputTokens: 52,
      outputTokens: 292,
      cacheReadTokens: 2048,
      reasoningTokens: 288,
    })
  })

  test('of a stream event, and absent when not reported', () => {
    const lastEvent = text('thinking.stream.sse').trim().split(/\r\n\r\n/).at(-1) ?? ''
    expect(gemini.usageOfEvent({ data: lastEvent.slice('data: '.length) })).toEqual({
      inputTokens: 52,
      outputTokens: 100,
      cacheReadTokens: 2048,
      reasoningTokens: 90,
    })
    expect(gemini.usageOfEvent({ data: '{"candidates":[]}' })).toBeUndefined()
    expect(gemini.usageOfEvent({ data: 'not json' })).toBeUndefined()
    expect(gemini.usageOfResponse({ usageMetadata: {} })).toBeUndefined()
    expect(gemini.usageOfResponse('nope')).toBeUndefined()
  })
})

describe('embeddings', () => {
  test('batchEmbedContents request', () => {
    expect(gemini.encodeEmbeddingsRequest(['a', 'b'], 'gemini-embedding-001')).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } },
      ],
    })
    expect(gemini.encodeEmbeddingsRequest(['a'], 'models/text-embedding-004', 256)).toEqual({
      requests: [{ model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] }, outputDimensionality: 256 }],
    })
  })

  test('batchEmbedContents response', () => {
    expect(gemini.decodeEmbeddingsResponse({ embeddings: [{ values: [0.1, -0.2] }, { values: [0.3, 0.4] }] })).toEqual([
      [0.1, -0.2],
      [0.3, 0.4],
    ])
    expect(() => gemini.decodeEmbeddingsResponse({ embeddings: [{ values: ['x'] }] })).toThrow('Gemini embedding 0 has no list of numbers')
    expect(() => gemini.decodeEmbeddingsResponse({})).toThrow(GatewayError)
  })
})

describe('provider URLs and auth headers', () => {
  const base = 'https://generativelanguage.googleapis.com/v1beta'
  const geminiCases: [string, string, boolean | 'embed', string][] = [
    [base, 'gemini-2.5-flash', false, `${base}/models/gemini-2.5-flash:generateContent`],
    [`${base}/`, 'gemini-2.5-flash', true, `${base}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`],
    [base, 'models/gemini-2.5-pro', false, `${base}/models/gemini-2.5-pro:generateContent`],
    [base, 'tunedModels/my-model', true, `${base}/tunedModels/my-model:streamGenerateContent?alt=sse`],
    [base, 'gemini-embedding-001', 'embed', `${base}/models/gemini-embedding-001:batchEmbedContents`],
  ]
  test.each(geminiCases)('gemini %s %s %p', (baseUrl, model, mode, expected) => {
    expect(mode === 'embed' ? geminiEmbeddingsUrl(baseUrl, model) : geminiUrl(baseUrl, model, mode)).toBe(expected)
  })

  const resource = 'https://contoso.openai.azure.com'
  const azureCases: [string, string, string | undefined, string][] = [
    [resource, 'gpt-4o', '2025-04-01-preview', `${resource}/openai/deployments/gpt-4o/chat/completions?api-version=2025-04-01-preview`],
    [`${resource}/openai/`, 'gpt-4o', undefined, `${resource}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`],
    [`${resource}/`, 'my deployment', undefined, `${resource}/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21`],
  ]
  test.each(azureCases)('azure chat %s %s %p', (baseUrl, deployment, apiVersion, expected) => {
    expect(azureChatUrl(baseUrl, deployment, apiVersion)).toBe(expected)
  })

  test('azure embeddings and defaults', () => {
    expect(AZURE_DEFAULT_API_VERSION).toBe('2024-10-21')
    expect(azureEmbeddingsUrl(resource, 'embed-3')).toBe(`${resource}/openai/deployments/embed-3/embeddings?api-version=2024-10-21`)
  })

  test('auth headers: the key in its header, nothing without a key', () => {
    expect(geminiAuthHeaders('g-key')).toEqual({ 'x-goog-api-key': 'g-key' })
    expect(azureAuthHeaders('a-key')).toEqual({ 'api-key': 'a-key' })
    expect(geminiAuthHeaders(undefined)).toEqual({})
    expect(azureAuthHeaders('')).toEqual({})
  })
})

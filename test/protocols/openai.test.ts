import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GatewayError } from '../../src/errors.ts'
import type { ChatRequest, ChatResponse } from '../../src/ir/index.ts'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, openai } from '../../src/protocols/openai/index.ts'

const fixtureDir = join(import.meta.dir, '../fixtures/openai')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(fixtureDir, name), 'utf8'))
const OPENAI_PROVENANCE = { origin: 'openai' }
const CREATED_S = 1732000000

function thrown(run: () => unknown): GatewayError {
  try {
    run()
  } catch (error) {
    if (error instanceof GatewayError) return error
    throw error
  }
  throw new Error('expected a GatewayError, nothing was thrown')
}

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
}

const decodedRequests: [string, ChatRequest][] = [
  ['plain-text', {
    model: 'gpt-4o', system: [], isStreaming: false, temperature: 0.7, maxTokens: 256,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello! Who are you?' }] }],
  }],
  ['system-developer', {
    model: 'gpt-4.1', isStreaming: false,
    system: [{ type: 'text', text: 'You are a terse assistant.' }, { type: 'text', text: 'Answer in English.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'What is SSE?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Server-Sent Events.' }] },
      { role: 'system', content: [{ type: 'text', text: 'From now on, answer in one word.' }] },
      { role: 'user', content: [{ type: 'text', text: 'And WebSocket?' }] },
    ],
  }],
  ['images', {
    model: 'gpt-4o', system: [], isStreaming: false, maxTokens: 300,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these two images?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' } },
        { type: 'image', source: { kind: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } },
      ],
    }],
  }],
  ['tools', {
    model: 'gpt-4o', isStreaming: true, includeUsage: true, maxTokens: 1024, user: 'user-1234',
    toolChoice: { type: 'auto' }, parallelToolCalls: true,
    tools: [
      { kind: 'function', name: 'get_weather', description: 'Current weather for a city.', inputSchema: weatherSchema },
      { kind: 'function', name: 'get_time', inputSchema: { type: 'object', properties: {} } },
    ],
    system: [{ type: 'text', text: 'You can look up the weather.' }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
      { role: 'assistant', content: [
        { type: 'text', text: 'Let me check both cities.' },
        { type: 'tool_call', id: 'call_paris01', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool_call', id: 'call_tokyo02', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', toolCallId: 'call_paris01', content: [{ type: 'text', text: '18°C, cloudy' }] },
        { type: 'tool_result', toolCallId: 'call_tokyo02', content: [{ type: 'text', text: '24°C, sunny' }] },
      ] },
      { role: 'user', content: [{ type: 'text', text: 'Which one is warmer?' }] },
    ],
  }],
  ['reasoning', {
    model: 'deepseek-reasoner', system: [], isStreaming: false, reasoningEffort: 'high', topP: 0.9,
    stopSequences: ['\n\n###'],
    responseFormat: {
      type: 'json_schema', name: 'comparison', strict: true,
      schema: { type: 'object', properties: { greater: { type: 'number' } }, required: ['greater'], additionalProperties: false },
    },
    messages: [
      { role: 'user', content: [{ type: 'text', text: '9.11 and 9.8, which is greater?' }] },
      { role: 'assistant', content: [
        { type: 'thinking', text: 'Compare decimals: 9.80 > 9.11.', provenance: OPENAI_PROVENANCE },
        { type: 'text', text: '9.8 is greater.' },
      ] },
      { role: 'user', content: [{ type: 'text', text: 'And 9.9 vs 9.11? Answer as JSON.' }] },
    ],
  }],
]

describe('openai requests', () => {
  test.each(decodedRequests)('%s.request.json decodes to the expected IR', (scenario, expected) => {
    expect(decodeRequest(fixture(`${scenario}.request.json`))).toEqual(expected)
  })

  test.each(decodedRequests.map(([scenario]) => scenario))('%s: encode∘decode is stable', (scenario) => {
    const once = encodeRequest(decodeRequest(fixture(`${scenario}.request.json`)), 'upstream-model')
    expect(encodeRequest(decodeRequest(once), 'upstream-model')).toEqual(once)
  })

  // Scenarios whose every field has a Chat Completions home survive a full round trip unchanged.
  test.each(['plain-text', 'images', 'tools'])('%s: decode∘encode∘decode keeps the IR', (scenario) => {
    const ir = decodeRequest(fixture(`${scenario}.request.json`))
    expect(decodeRequest(encodeRequest(ir, ir.model))).toEqual(ir)
  })

  test('tools.request.json encodes tool results as tool messages before the next user text', () => {
    const body = encodeRequest(decodeRequest(fixture('tools.request.json')), 'gpt-4o-mini')
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You can look up the weather.' },
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        { role: 'assistant', content: 'Let me check both cities.', tool_calls: [
          { id: 'call_paris01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_tokyo02', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
        ] },
        { role: 'tool', tool_call_id: 'call_paris01', content: '18°C, cloudy' },
        { role: 'tool', tool_call_id: 'call_tokyo02', content: '24°C, sunny' },
        { role: 'user', content: 'Which one is warmer?' },
      ],
      max_tokens: 1024,
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city.', parameters: weatherSchema } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      user: 'user-1234',
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  test('system-developer: one leading system message, later system turns in place', () => {
    const body = encodeRequest(decodeRequest(fixture('system-developer.request.json')), 'm')
    expect(body.messages.map((message) => [message.role, message.content])).toEqual([
      ['system', 'You are a terse assistant.\n\nAnswer in English.'],
      ['user', 'What is SSE?'],
      ['assistant', 'Server-Sent Events.'],
      ['system', 'From now on, answer in one word.'],
      ['user', 'And WebSocket?'],
    ])
  })
})

const baseRequest: ChatRequest = { model: 'claude-sonnet-4-5', system: [], messages: [], isStreaming: false }

describe('openai encodeRequest from other protocols', () => {
  test('an error tool result gets an "Error: " prefix; its images follow in a user message', () => {
    const body = encodeRequest({
      ...baseRequest,
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'Here is the screenshot result.' },
          { type: 'tool_result', toolCallId: 'toolu_1', isError: true, content: [{ type: 'text', text: 'timeout' }] },
          { type: 'tool_result', toolCallId: 'toolu_2', content: [
            { type: 'text', text: 'captured' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
          ] },
        ],
      }],
    }, 'gpt-4o')
    expect(body.messages).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Error: timeout' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'captured' },
      { role: 'user', content: [
        { type: 'text', text: 'Images returned by tool call toolu_2:' },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
        { type: 'text', text: 'Here is the screenshot result.' },
      ] },
    ])
  })

  test('thinking and redacted thinking are dropped; tool calls keep their text', () => {
    const body = encodeRequest({
      ...baseRequest,
      messages: [{ role: 'assistant', content: [
        { type: 'thinking', text: 'hmm', provenance: { origin: 'anthropic', token: 'EqQBCkYIBxgCKkD' } },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy' },
        { type: 'tool_call', id: 'toolu_1', name: 'ls', arguments: '' },
      ] }],
    }, 'gpt-4o')
    expect(body.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
    ])
  })

  test('max_tokens is never invented; tool_choice and parallel_tool_calls need tools', () => {
    const body = encodeRequest({ ...baseRequest, toolChoice: { type: 'required' }, parallelToolCalls: false, topK: 5 }, 'gpt-4o')
    expect(body).toEqual({ model: 'gpt-4o', messages: [] })
  })

  test('a named tool choice and disabled parallel calls', () => {
    const body = encodeRequest({
      ...baseRequest,
      tools: [{ kind: 'function', name: 'f', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
    }, 'gpt-4o')
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } })
    expect(body.parallel_tool_calls).toBe(false)
  })

  test.each([
    [{ type: 'enabled', budgetTokens: 1024 }, 'low'],
    [{ type: 'enabled', budgetTokens: 8000 }, 'medium'],
    [{ type: 'enabled', budgetTokens: 32000 }, 'high'],
    [{ type: 'enabled' }, 'medium'],
    [{ type: 'adaptive' }, 'medium'],
    [{ type: 'disabled' }, undefined],
  ] as const)('thinking %o → reasoning_effort %s', (thinking, effort) => {
    expect(encodeRequest({ ...baseRequest, thinking }, 'o3').reasoning_effort).toBe(effort)
  })

  test('an explicit effort wins over the thinking budget', () => {
    const body = encodeRequest({ ...baseRequest, thinking: { type: 'enabled', budgetTokens: 32000 }, reasoningEffort: 'low' }, 'o3')
    expect(body.reasoning_effort).toBe('low')
  })

  test('a json_schema format without a name gets one; streaming always asks for usage', () => {
    const body = encodeRequest({
      ...baseRequest,
      isStreaming: true,
      responseFormat: { type: 'json_schema', schema: { type: 'object' } },
    }, 'gpt-4o')
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } })
    expect(body.stream_options).toEqual({ include_usage: true })
  })
})

describe('openai decodeRequest details', () => {
  const decode = (extra: Record<string, unknown>) =>
    decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra })

  test('max_completion_tokens wins over max_tokens; neither means no limit', () => {
    expect(decode({ max_tokens: 10, max_completion_tokens: 20 }).maxTokens).toBe(20)
    expect(decode({ max_tokens: 10 }).maxTokens).toBe(10)
    expect('maxTokens' in decode({})).toBe(false)
  })

  test('reasoning: {effort} and OpenRouter reasoning.max_tokens', () => {
    expect(decode({ reasoning: { effort: 'low' } }).reasoningEffort).toBe('low')
    expect(decode({ reasoning: { max_tokens: 2000 } }).thinking).toEqual({ type: 'enabled', budgetTokens: 2000 })
  })

  test('tool_choice forms', () => {
    expect(decode({ tool_choice: 'required' }).toolChoice).toEqual({ type: 'required' })
    expect(decode({ tool_choice: 'none' }).toolChoice).toEqual({ type: 'none' })
    expect(decode({ tool_choice: { type: 'function', function: { name: 'f' } } }).toolChoice).toEqual({ type: 'tool', name: 'f' })
  })

  test('stop as a string or an array; response_format json_object', () => {
    expect(decode({ stop: 'END' }).stopSequences).toEqual(['END'])
    expect(decode({ stop: ['a', 'b'] }).stopSequences).toEqual(['a', 'b'])
    expect(decode({ response_format: { type: 'json_object' } }).responseFormat).toEqual({ type: 'json_object' })
  })

  test('a non-base64 data URL stays a URL; file parts are dropped', () => {
    const request = decodeRequest({ model: 'm', messages: [{ role: 'user', content: [
      { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } },
      { type: 'file', file: { file_id: 'file-1' } },
    ] }] })
    expect(request.messages[0].content).toEqual([{ type: 'image', source: { kind: 'url', url: 'data:image/svg+xml,%3Csvg%2F%3E' } }])
  })

  test('OpenRouter-style assistant reasoning and a tool call with object arguments', () => {
    const request = decodeRequest({ model: 'm', messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: null, reasoning: 'think', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] },
    ] })
    expect(request.messages[1].content).toEqual([
      { type: 'thinking', text: 'think', provenance: OPENAI_PROVENANCE },
      { type: 'tool_call', id: 'c1', name: 'f', arguments: '{"a":1}' },
    ])
  })

  test('a tool message after a user message starts a new user turn', () => {
    const request = decodeRequest({ model: 'm', messages: [
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'user', content: 'also this' },
      { role: 'tool', tool_call_id: 'c1', content: '' },
    ] })
    expect(request.messages.map((message) => message.content.map((part) => part.type))).toEqual([['tool_call'], ['text'], ['tool_result']])
  })
})

const invalidRequests: [string, unknown, string][] = [
  ['not an object', null, 'body: expected an object, got null'],
  ['no messages', { model: 'm' }, 'messages: expected a non-empty array of messages, got nothing'],
  ['empty messages', { model: 'm', messages: [] }, 'messages: expected a non-empty array of messages, got an empty array'],
  ['no model', { messages: [{ role: 'user', content: 'hi' }] }, 'model: expected a string, got nothing'],
  ['message not an object', { model: 'm', messages: ['hi'] }, 'messages[0]: expected an object, got "hi"'],
  ['no role', { model: 'm', messages: [{ content: 'hi' }] }, 'messages[0].role: expected a string, got nothing'],
  ['legacy function role', { model: 'm', messages: [{ role: 'function', name: 'f', content: 'x' }] },
    'messages[0].role: expected "system", "developer", "user", "assistant" or "tool", got "function"'],
  ['content a number', { model: 'm', messages: [{ role: 'user', content: 42 }] },
    'messages[0].content: expected a string or an array of content parts, got 42'],
  ['part without type', { model: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] },
    'messages[0].content[0].type: expected a string, got nothing'],
  ['image without url', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
    'messages[0].content[0].image_url.url: expected a string, got nothing'],
  ['tool call without id', { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
    'messages[0].tool_calls[0].id: expected a string, got nothing'],
  ['tool message without tool_call_id', { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'tool', content: 'r' }] },
    'messages[1].tool_call_id: expected a string, got nothing'],
  ['tools not an array', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: {} }, 'tools: expected an array, got an object'],
  ['tool without name', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] },
    'tools[0].function.name: expected a string, got nothing'],
  ['unknown tool_choice', { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'any' },
    'tool_choice: expected "auto", "none", "required" or {"type":"function","function":{"name":…}}, got "any"'],
  ['stop a number', { model: 'm', messages: [{ role: 'user', content: 'x' }], stop: 5 }, 'stop: expected a string or an array of strings, got 5'],
  ['temperature a string', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 'temperature: expected a number, got "hot"'],
  ['stream a string', { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream: expected true or false, got "yes"'],
  ['unknown response_format', { model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'xml' } },
    'response_format.type: expected "text", "json_object" or "json_schema", got "xml"'],
]

describe('openai request validation', () => {
  test.each(invalidRequests)('%s', (_name, body, message) => {
    const error = thrown(() => decodeRequest(body))
    expect([error.kind, error.status, error.message]).toEqual(['invalid_request', 400, message])
    expect(error.param).toBe(message.slice(0, message.indexOf(':')))
  })

  test('unknown fields are accepted', () => {
    expect(() => decodeRequest({ model: 'm', messages: [{ role: 'user', content: 'x', name: 'bob' }], store: true, verbosity: 'low' })).not.toThrow()
  })
})

const decodedResponses: [string, ChatResponse][] = [
  ['plain-text', {
    id: 'chatcmpl-LlmuxPlain02', model: 'gpt-4o-2024-08-06', stopReason: 'end_turn',
    content: [{ type: 'text', text: 'Hello! I am an AI assistant. How can I help you today?' }],
    usage: { inputTokens: 13, outputTokens: 15, cacheReadTokens: 0, reasoningTokens: 0 },
  }],
  ['tools', {
    id: 'chatcmpl-LlmuxTools02', model: 'gpt-4o-2024-08-06', stopReason: 'tool_use',
    content: [
      { type: 'tool_call', id: 'call_paris01', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'tool_call', id: 'call_tokyo02', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
    ],
    usage: { inputTokens: 82, outputTokens: 46, cacheReadTokens: 0, reasoningTokens: 0 },
  }],
  ['reasoning', {
    id: '9f3c2a1e-5b7d-4e8f-a1b2-c3d4e5f6a7b9', model: 'deepseek-reasoner', stopReason: 'end_turn',
    content: [
      { type: 'thinking', text: '9.9 = 9.90, and 9.90 > 9.11.', provenance: OPENAI_PROVENANCE },
      { type: 'text', text: '{"greater": 9.9}' },
    ],
    usage: { inputTokens: 0, outputTokens: 40, cacheReadTokens: 64, reasoningTokens: 31 },
  }],
  ['cached-usage', {
    id: 'chatcmpl-LlmuxCached02', model: 'gpt-4o-2024-08-06', stopReason: 'end_turn',
    content: [{ type: 'text', text: 'The answer is 42.' }],
    // prompt_tokens 2006 includes the 1920 cached ones: the IR counts them apart.
    usage: { inputTokens: 86, outputTokens: 300, cacheReadTokens: 1920, reasoningTokens: 0 },
  }],
  ['length-finish', {
    id: 'chatcmpl-LlmuxLength02', model: 'gpt-4o-mini-2024-07-18', stopReason: 'max_tokens',
    content: [{ type: 'text', text: 'Once upon a time, in a land' }],
    usage: { inputTokens: 19, outputTokens: 5 },
  }],
  ['refusal', {
    id: 'chatcmpl-LlmuxRefusal01', model: 'gpt-4o-2024-08-06', stopReason: 'refusal',
    content: [{ type: 'text', text: "I'm sorry, I can't help with that." }],
    usage: { inputTokens: 20, outputTokens: 10 },
  }],
]

describe('openai responses', () => {
  test.each(decodedResponses)('%s.response.json decodes to the expected IR', (scenario, expected) => {
    expect(decodeResponse(fixture(`${scenario}.response.json`))).toEqual(expected)
  })

  test.each(decodedResponses.filter(([scenario]) => scenario !== 'refusal'))('%s: decode∘encode∘decode keeps the IR', (_scenario, expected) => {
    const ir = { ...expected, id: expected.id?.startsWith('chatcmpl-') ? expected.id : `chatcmpl-${expected.id}` }
    expect(decodeResponse(encodeResponse(expected, CREATED_S))).toEqual(ir)
  })

  test('tools.response.json re-encodes to the same choice and usage', () => {
    const body = fixture('tools.response.json') as { choices: { message: Record<string, unknown> }[]; usage: unknown }
    const encoded = encodeResponse(decodeResponse(body), CREATED_S)
    const { annotations: _annotations, ...message } = body.choices[0].message
    expect(encoded.choices[0].message).toEqual(message as never)
    expect(encoded.usage).toEqual({ prompt_tokens: 82, completion_tokens: 46, total_tokens: 128, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } })
  })

  test('an Anthropic-shaped answer becomes a chat.completion', () => {
    const encoded = encodeResponse({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL', model: 'claude-sonnet-4-5', stopReason: 'refusal',
      content: [
        { type: 'thinking', text: 'Considering.', provenance: { origin: 'anthropic', token: 'EqQBCkYIBxgC' } },
        { type: 'redacted_thinking', data: 'EmwKAhgB' },
        { type: 'text', text: 'No.' },
      ],
      usage: { inputTokens: 10, outputTokens: 3, cacheReadTokens: 100, cacheWriteTokens: 50 },
    }, CREATED_S)
    expect(encoded).toEqual({
      id: 'chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL', object: 'chat.completion', created: CREATED_S, model: 'claude-sonnet-4-5',
      choices: [{ index: 0, logprobs: null, finish_reason: 'content_filter', message: { role: 'assistant', content: 'No.', refusal: null, reasoning_content: 'Considering.' } }],
      usage: { prompt_tokens: 160, completion_tokens: 3, total_tokens: 163, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 50 } },
    })
  })

  test.each([
    ['stop', 'end_turn'], ['length', 'max_tokens'], ['tool_calls', 'tool_use'], ['function_call', 'tool_use'],
    ['content_filter', 'content_filter'], [null, 'end_turn'],
  ])('finish_reason %p → %s', (finishReason, stopReason) => {
    const body = { id: 'x', model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: finishReason }] }
    expect(decodeResponse(body).stopReason).toBe(stopReason as never)
  })

  test.each([
    ['end_turn', 'stop'], ['stop_sequence', 'stop'], ['pause_turn', 'stop'], ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'], ['refusal', 'content_filter'], ['content_filter', 'content_filter'],
  ] as const)('stop reason %s → finish_reason %s', (stopReason, finishReason) => {
    const encoded = encodeResponse({ id: 'x', model: 'm', content: [], stopReason, usage: {} }, CREATED_S)
    expect(encoded.choices[0].finish_reason).toBe(finishReason)
  })

  test('tool calls with finish_reason "stop" still mean tool use (older local servers)', () => {
    const body = { id: 'x', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] } }] }
    expect(decodeResponse(body)).toMatchObject({ stopReason: 'tool_use', content: [{ type: 'tool_call', id: 'call_0', name: 'f' }] })
  })

  test('content as an array of parts (Mistral) is read as text', () => {
    const body = { id: 'x', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'reference', ids: [1] }] } }] }
    expect(decodeResponse(body).content).toEqual([{ type: 'text', text: 'a' }])
  })

  test('a body without choices is a bad gateway; an error body keeps its kind', () => {
    expect(() => decodeResponse({ id: 'x' })).toThrow('upstream chat.completion: no choices')
    expect(() => decodeResponse('nope')).toThrow(GatewayError)
    const error = thrown(() => decodeResponse({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }))
    expect([error.kind, error.message]).toEqual(['rate_limited', 'slow down'])
  })

  test('openai.encodeResponse stamps the current time', () => {
    const before = Math.floor(Date.now() / 1000)
    const encoded = openai.encodeResponse({ id: 'x', model: 'm', content: [], stopReason: 'end_turn', usage: {} })
    expect(encoded.created as number).toBeGreaterThanOrEqual(before)
  })
})

describe('openai usage', () => {
  test('usageOfResponse subtracts cached tokens', () => {
    expect(openai.usageOfResponse(fixture('cached-usage.response.json'))).toEqual({ inputTokens: 86, outputTokens: 300, cacheReadTokens: 1920, reasoningTokens: 0 })
    expect(openai.usageOfResponse({ id: 'x' })).toBeUndefined()
  })

  test('usageOfEvent reads the usage chunk and skips "usage":null without parsing', () => {
    const usageChunk = '{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":4}}}'
    expect(openai.usageOfEvent({ data: usageChunk })).toEqual({ inputTokens: 6, outputTokens: 2, cacheReadTokens: 4 })
    expect(openai.usageOfEvent({ data: '{"choices":[{"delta":{"content":"x"}}],"usage":null}' })).toBeUndefined()
    expect(openai.usageOfEvent({ data: '{"choices":[{"delta":{"content":"say \\"usage\\": {"}}]}' })).toBeUndefined()
    expect(openai.usageOfEvent({ data: '[DONE]' })).toBeUndefined()
  })

  test('DeepSeek prompt_cache_hit_tokens count as cache reads; absent figures stay absent', () => {
    expect(openai.usageOfResponse({ usage: { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 60 } }))
      .toEqual({ inputTokens: 40, outputTokens: 5, cacheReadTokens: 60 })
    expect(openai.usageOfResponse({ usage: { completion_tokens: 5 } })).toEqual({ outputTokens: 5 })
  })
})

const errorWire: [GatewayError['kind'], string, string][] = [
  ['invalid_request', 'invalid_request_error', 'invalid_request'],
  ['authentication', 'authentication_error', 'invalid_api_key'],
  ['permission', 'permission_error', 'permission_denied'],
  ['not_found', 'not_found_error', 'not_found'],
  ['request_too_large', 'invalid_request_error', 'request_too_large'],
  ['rate_limited', 'rate_limit_error', 'rate_limit_exceeded'],
  ['billing', 'insufficient_quota', 'insufficient_quota'],
  ['api_error', 'server_error', 'server_error'],
  ['bad_gateway', 'server_error', 'bad_gateway'],
  ['unavailable', 'server_error', 'service_unavailable'],
  ['timeout', 'timeout', 'timeout'],
  ['overloaded', 'server_error', 'overloaded'],
  ['not_implemented', 'invalid_request_error', 'not_implemented'],
]

describe('openai errors', () => {
  test.each(errorWire)('%s → type %s, code %s', (kind, type, code) => {
    const error = new GatewayError(kind, 'went wrong')
    expect(openai.encodeError(error)).toEqual({ error: { message: 'went wrong', type, param: null, code } })
    // In a stream the same body travels as one data line, and decodes back to the same kind.
    const line = openai.encodeStreamError(error)
    expect(line).toBe(`data: ${JSON.stringify(openai.encodeError(error))}\n\n`)
  })

  test('param names the field at fault', () => {
    const error = new GatewayError('invalid_request', 'messages: expected …', { param: 'messages' })
    expect(openai.encodeError(error)).toMatchObject({ error: { param: 'messages' } })
  })

  test.each([
    [401, '{"error":{"message":"Incorrect API key provided: sk-abc***","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
      'authentication', 'Incorrect API key provided: sk-abc***'],
    [429, '{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}',
      'billing', 'You exceeded your current quota.'],
    [429, '{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","param":null,"code":"rate_limit_exceeded"}}',
      'rate_limited', 'Rate limit reached for gpt-4o'],
    [400, '{"error":{"message":"This model\'s maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}',
      'invalid_request', "This model's maximum context length is 128000 tokens."],
    [400, '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","code":400}', 'invalid_request', 'max_tokens is too large'],
    [422, '{"detail":[{"loc":["body","messages"],"msg":"field required"}]}', 'invalid_request', '[{"loc":["body","messages"],"msg":"field required"}]'],
    [404, '[{"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}}]', 'not_found', 'models/x is not found'],
    [500, '{"error":"model crashed"}', 'api_error', 'model crashed'],
    [502, 'upstream connect error', 'bad_gateway', 'upstream connect error'],
    [503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'unavailable', 'upstream answered HTTP 503'],
    [529, '', 'overloaded', 'upstream answered HTTP 529'],
  ])('decodeError(%i, …)', (status, text, kind, message) => {
    expect(openai.decodeError(status, text)).toEqual({ kind: kind as GatewayError['kind'], message })
  })
})

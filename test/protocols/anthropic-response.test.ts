import { describe, expect, test } from 'bun:test'
import { type ErrorKind, GatewayError } from '../../src/errors.ts'
import type { ChatResponse } from '../../src/ir/index.ts'
import { anthropic } from '../../src/protocols/anthropic/index.ts'

const fixtures = new URL('../fixtures/anthropic/', import.meta.url).pathname
const load = (name: string): Promise<Record<string, unknown>> => Bun.file(fixtures + name).json()

const usageKeys = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']

describe('response round trip', () => {
  test.each(['plain-text', 'tools', 'thinking', 'stop-sequence', 'cache-usage'])('%s', async (scenario) => {
    const body = await load(`${scenario}.response.json`)
    const encoded = anthropic.encodeResponse(anthropic.decodeResponse(body))
    // Usage details with no IR home (cache_creation split, service_tier) are not expected back.
    const usage = Object.fromEntries(Object.entries(body.usage as object).filter(([key]) => usageKeys.includes(key)))
    expect(encoded).toEqual({ ...body, usage })
  })

  test('decoded fields', async () => {
    expect(anthropic.decodeResponse(await load('stop-sequence.response.json'))).toMatchObject({
      stopReason: 'stop_sequence',
      stopSequence: ', 5',
    })
    const tools = anthropic.decodeResponse(await load('tools.response.json'))
    expect(tools.content[1]).toEqual({
      type: 'tool_call',
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      arguments: '{"location":"Paris, France","unit":"celsius"}',
    })
    expect(anthropic.decodeResponse(await load('cache-usage.response.json')).usage).toEqual({
      inputTokens: 21,
      outputTokens: 393,
      cacheReadTokens: 4096,
      cacheWriteTokens: 188086,
      cacheWrite1hTokens: 0,
    })
  })

  test('encoding an answer from another protocol', () => {
    const response: ChatResponse = {
      id: 'chatcmpl-123',
      model: 'gpt-4o',
      content: [
        { type: 'thinking', text: 'hmm', provenance: { origin: 'openai' } },
        { type: 'thinking', text: 'unsigned' },
        { type: 'text', text: 'Done.' },
        { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"x":[1]}' },
      ],
      stopReason: 'content_filter',
      usage: { inputTokens: 10 },
    }
    expect(anthropic.encodeResponse(response)).toEqual({
      id: 'msg_chatcmpl-123',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'llmux:openai:' },
        { type: 'thinking', thinking: 'unsigned', signature: 'llmux:unknown:' },
        { type: 'text', text: 'Done.' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: { x: [1] } },
      ],
      stop_reason: 'refusal',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 0 },
    })
  })

  test('stop reasons newer than the IR', () => {
    const body = { id: 'msg_1', model: 'm', content: [], usage: {} }
    expect(anthropic.decodeResponse({ ...body, stop_reason: 'model_context_window_exceeded' }).stopReason).toBe('max_tokens')
    expect(anthropic.decodeResponse({ ...body, stop_reason: 'something_new' }).stopReason).toBe('end_turn')
  })

  test.each([
    ['not an object', 'oops'],
    ['content missing', { id: 'msg_1', model: 'm' }],
    ['an error body', { type: 'error', error: { type: 'api_error', message: 'boom' } }],
  ])('an unusable answer is bad_gateway: %s', (_, body) => {
    expect(() => anthropic.decodeResponse(body)).toThrow(GatewayError)
    try {
      anthropic.decodeResponse(body)
    } catch (error) {
      expect((error as GatewayError).kind).toBe('bad_gateway')
    }
  })

  test('usageOfResponse', async () => {
    expect(anthropic.usageOfResponse(await load('plain-text.response.json'))).toEqual({ inputTokens: 31, outputTokens: 6 })
    expect(anthropic.usageOfResponse('nope')).toBeUndefined()
  })
})

describe('errors', () => {
  test.each([
    ['invalid_request', 'invalid_request_error'],
    ['authentication', 'authentication_error'],
    ['permission', 'permission_error'],
    ['not_found', 'not_found_error'],
    ['request_too_large', 'request_too_large'],
    ['rate_limited', 'rate_limit_error'],
    ['billing', 'billing_error'],
    ['api_error', 'api_error'],
    ['bad_gateway', 'api_error'],
    ['unavailable', 'api_error'],
    ['timeout', 'timeout_error'],
    ['overloaded', 'overloaded_error'],
    ['not_implemented', 'api_error'],
  ] as [ErrorKind, string][])('%s → %s', (kind, type) => {
    const body = anthropic.encodeError(new GatewayError(kind, 'what happened'))
    expect(body).toEqual({ type: 'error', error: { type, message: 'what happened' } })
  })

  test('stream error is one `event: error` SSE event', () => {
    expect(anthropic.encodeStreamError(new GatewayError('overloaded', 'Overloaded'))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    )
  })

  const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } })
  test.each([
    [529, body('overloaded_error', 'Overloaded'), 'overloaded', 'Overloaded'],
    [429, body('rate_limit_error', 'slow down'), 'rate_limited', 'slow down'],
    [400, body('invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum'), 'invalid_request', 'prompt is too long: 250000 tokens > 200000 maximum'],
    [402, body('billing_error', 'credit balance too low'), 'billing', 'credit balance too low'],
    [500, body('api_error', 'Internal server error'), 'api_error', 'Internal server error'],
    [503, body('api_error', 'upstream connect error'), 'unavailable', 'upstream connect error'],
    [418, body('brand_new_error', 'teapot'), 'api_error', 'teapot'],
    [418, body('invalid_request_error', 'odd status'), 'invalid_request', 'odd status'],
    [401, JSON.stringify({ error: { message: 'Incorrect API key', type: 'invalid_request_error' } }), 'authentication', 'Incorrect API key'],
    [502, 'Bad Gateway', 'bad_gateway', 'Bad Gateway'],
    [504, '<html><body>Gateway Timeout</body></html>', 'timeout', 'upstream answered with status 504'],
    [404, '', 'not_found', 'upstream answered with status 404'],
  ] as [number, string, ErrorKind, string][])('decodeError %i %s', (status, text, kind, message) => {
    expect(anthropic.decodeError(status, text)).toEqual({ kind, message })
  })

  test('a long plain-text error is cut', () => {
    expect(anthropic.decodeError(500, 'x'.repeat(2000)).message.length).toBeLessThan(600)
  })
})

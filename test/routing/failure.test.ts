import { describe, expect, test } from 'bun:test'
import { classifyFailure } from '../../src/routing/failure.ts'

describe('classifyFailure', () => {
  test.each([408, 409, 429, 500, 502, 503, 504, 529])('HTTP %d is retryable and cools the backend down', (status) => {
    expect(classifyFailure({ status })).toEqual({ isRetryable: true, isContextLength: false, shouldCoolDown: true, reason: `HTTP ${status}` })
  })

  test.each([400, 401, 403, 404, 422])('HTTP %d goes back to the client', (status) => {
    expect(classifyFailure({ status, bodyText: '{"error":{"message":"bad field"}}' }).isRetryable).toBe(false)
  })

  test('timeouts and connection errors are retryable', () => {
    expect(classifyFailure({ isTimeout: true })).toMatchObject({ isRetryable: true, reason: 'timeout' })
    expect(classifyFailure({ isConnectionError: true })).toMatchObject({ isRetryable: true, reason: 'connection error' })
  })

  test.each([
    '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.","code":"context_length_exceeded"}}',
    '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"}}',
    '{"error":{"message":"Too many tokens: the prompt exceeds the limit"}}',
    '{"object":"error","message":"This model\'s maximum context length is 4096 tokens"}',
    '{"error":{"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."}}',
    '{"error":"Please reduce the length of the messages or completion."}',
    '{"error":{"message":"prompt exceeds the context window"}}',
  ])('a 400 saying the context is too long is retryable on larger backends: %s', (bodyText) => {
    expect(classifyFailure({ status: 400, bodyText })).toEqual({
      isRetryable: true,
      isContextLength: true,
      shouldCoolDown: false,
      reason: 'context too long',
    })
  })

  test('a context phrase on another status changes nothing', () => {
    expect(classifyFailure({ status: 401, bodyText: 'prompt is too long' }).isContextLength).toBe(false)
    expect(classifyFailure({ status: 400, bodyText: 'max_tokens: must be at most 8192' }).isRetryable).toBe(false)
  })
})

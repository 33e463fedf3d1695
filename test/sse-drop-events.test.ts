import { describe, expect, test } from 'bun:test'
import { probe } from '../src/protocols/openai/probe.ts'
import { dropEvents } from '../src/sse/drop-events.ts'

const isUsageOnly = probe.usageRequest!.isUsageOnly

describe('dropEvents: the usage-only chunk llmux asked for leaves, every other byte stays', () => {
  test('compact JSON (OpenAI), LF', () => {
    const text = 'data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: {"choices":[],"usage":{"prompt_tokens":3}}\n\ndata: [DONE]\n\n'
    expect(dropEvents(text, '"usage"', isUsageOnly)).toBe('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: [DONE]\n\n')
  })

  test('spaced JSON (Python servers such as vLLM), CRLF', () => {
    const text = 'data: {"choices": [{"delta": {"content": "hi"}}]}\r\n\r\ndata: {"choices": [], "usage": {"prompt_tokens": 3}}\r\n\r\ndata: [DONE]\r\n\r\n'
    expect(dropEvents(text, '"usage"', isUsageOnly)).toBe('data: {"choices": [{"delta": {"content": "hi"}}]}\r\n\r\ndata: [DONE]\r\n\r\n')
  })

  test('a content chunk that also carries usage is kept, and so is text without the hint', () => {
    const withContent = 'data: {"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":3}}\n\n'
    expect(dropEvents(withContent, '"usage"', isUsageOnly)).toBe(withContent)
    expect(dropEvents('data: {"choices":[]}\n\n', '"usage"', isUsageOnly)).toBe('data: {"choices":[]}\n\n')
  })

  test('the last event without its blank line (a stream that ends there)', () => {
    expect(dropEvents('data: {"choices":[],"usage":{"total_tokens":1}}', '"usage"', isUsageOnly)).toBe('')
  })
})

test('the OpenAI probe parses a chunk only when its usage is an object, not the null every chunk carries', () => {
  const has = (text: string) => probe.markers.some((marker) => text.includes(marker))
  expect(has('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\n')).toBe(false)
  expect(has('data: {"choices":[],"usage":{"prompt_tokens":3}}\n\n')).toBe(true)
  expect(has('data: {"choices": [], "usage": {"prompt_tokens": 3}}\n\n')).toBe(true)
})

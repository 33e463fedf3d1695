import { describe, expect, test } from 'bun:test'
import { hasMalformedData, hasMalformedDataBytes, isMalformedValue } from '../src/sse/malformed-data.ts'

describe('hasMalformedData', () => {
  test.each([
    ['data: {"a":1}\n\n', false],
    ['data: [DONE]\n\n', false],
    ['event: message_start\ndata: {"type":"message_start"}\n\n', false],
    ['data: {"a":1}\r\n\r\n', false],
    ['data:{"a":1}\n\ndata: {"b":2}\n\n', false],
    [': keep-alive\n\ndata: {"a":1}\n\n', false],
    ['data: {"text":"see data: not a line"}\n\n', false],
    ['data: {"choices":[{"delta":{"content":"hel\n\n', true],
    ['data: not json\n\n', true],
    ['data: {"a":1}\n\ndata: oops\n\n', true],
    ['event: x\ndata: <html>\n\n', true],
  ])('%j → %p', (text, expected) => {
    expect(hasMalformedData(text)).toBe(expected)
    expect(hasMalformedDataBytes(new TextEncoder().encode(text))).toBe(expected)
  })

  test('one event value', () => {
    expect(isMalformedValue('{"a":1}')).toBe(false)
    expect(isMalformedValue('[DONE]')).toBe(false)
    expect(isMalformedValue('{"a":')).toBe(true)
  })
})

import { describe, expect, test } from 'bun:test'
import { secretRedactor } from '../../src/gateway/redact-secrets.ts'

const KEY = 'sk-test-ABCDEF123456'
const TOKEN = 'tok/with"quote-0001'
const redactor = secretRedactor([KEY, TOKEN, 'short'])
const encoder = new TextEncoder()
const decoder = new TextDecoder()

const text = `data: {"error":{"message":"Incorrect API key provided: ${KEY}, and ${JSON.stringify(TOKEN).slice(1, -1)} too; short stays"}}\n\ndata: sk-test-ABC not a key\n\ndata: ${KEY}`
const expected = `data: {"error":{"message":"Incorrect API key provided: [redacted], and [redacted] too; short stays"}}\n\ndata: sk-test-ABC not a key\n\ndata: [redacted]`

const asText = (piece: string | Uint8Array) => (typeof piece === 'string' ? piece : decoder.decode(piece))

describe('secretRedactor', () => {
  test('replaces every key and token, raw or JSON-escaped; values under 8 characters are not secrets', () => {
    expect(redactor.text(text)).toBe(expected)
    expect(redactor.text('nothing here')).toBe('nothing here')
  })

  test('without secrets there is nothing to do', () => {
    expect(secretRedactor(['', 'abc']).stream()).toBeUndefined()
  })

  // A key split across two network chunks must not slip through (STYLE: split at every offset).
  for (const kind of ['text', 'bytes', 'text then bytes'] as const) {
    test(`a stream split at every offset, as ${kind}`, () => {
      for (let at = 0; at <= text.length; at++) {
        const stream = redactor.stream()!
        const first = text.slice(0, at)
        const second = text.slice(at)
        const out = [
          stream.push(kind === 'bytes' ? encoder.encode(first) : first),
          stream.push(kind === 'text' ? second : encoder.encode(second)),
          stream.end(),
        ]
        expect(out.map(asText).join('')).toBe(expected)
      }
    })
  }
})

import { describe, expect, test } from 'bun:test'
import { probe } from '../src/protocols/openai/probe.ts'
import { dropEvents } from '../src/sse/drop-events.ts'

const isUsageOnly = probe.usageRequest!.isUsageOnly
const HINTS = probe.usageRequest!.usageMarkers

describe('dropEvents: the usage-only chunk llmux asked for leaves, every other byte stays', () => {
  test('compact JSON (OpenAI), LF', () => {
    const text = 'data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: {"choices":[],"usage":{"prompt_tokens":3}}\n\ndata: [DONE]\n\n'
    expect(dropEvents(text, HINTS, isUsageOnly)).toBe('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: [DONE]\n\n')
  })

  test('spaced JSON (Python servers such as vLLM), CRLF', () => {
    const text = 'data: {"choices": [{"delta": {"content": "hi"}}]}\r\n\r\ndata: {"choices": [], "usage": {"prompt_tokens": 3}}\r\n\r\ndata: [DONE]\r\n\r\n'
    expect(dropEvents(text, HINTS, isUsageOnly)).toBe('data: {"choices": [{"delta": {"content": "hi"}}]}\r\n\r\ndata: [DONE]\r\n\r\n')
  })

  test('a content chunk that also carries usage is kept, and so is text without the hint', () => {
    const withContent = 'data: {"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":3}}\n\n'
    expect(dropEvents(withContent, HINTS, isUsageOnly)).toBe(withContent)
    expect(dropEvents('data: {"choices":[]}\n\n', HINTS, isUsageOnly)).toBe('data: {"choices":[]}\n\n')
  })

  test('the last event without its blank line (a stream that ends there)', () => {
    expect(dropEvents('data: {"choices":[],"usage":{"total_tokens":1}}', HINTS, isUsageOnly)).toBe('')
  })
})

test('the OpenAI probe parses a chunk only when its usage is an object, not the null every chunk carries', () => {
  const has = (text: string) => probe.markers.some((marker) => text.includes(marker))
  expect(has('data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\n')).toBe(false)
  expect(has('data: {"choices":[],"usage":{"prompt_tokens":3}}\n\n')).toBe(true)
  expect(has('data: {"choices": [], "usage": {"prompt_tokens": 3}}\n\n')).toBe(true)
})

test('passthrough with the usage chunk dropped: chunks with "usage":null pass as the same bytes, only the usage-only event leaves', async () => {
  const { passthroughTransform } = await import('../src/gateway/streams/passthrough-transform.ts')
  const { openai } = await import('../src/protocols/openai/index.ts')
  const transform = passthroughTransform(openai, true)
  const encoder = new TextEncoder()
  const chunk = (data: object) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`)
  transform.push(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }], usage: null }))
  const content = chunk({ choices: [{ index: 0, delta: { content: 'hi' } }], usage: null })
  // Not decoded, not re-formatted: the upstream's own bytes go on.
  const passed = transform.push(content)
  expect(passed).toBeInstanceOf(Uint8Array)
  expect((passed as Uint8Array).buffer).toBe(content.buffer)
  expect(Buffer.from(passed as Uint8Array).equals(Buffer.from(content))).toBe(true)
  const last = encoder.encode('data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\ndata: [DONE]\n\n')
  const out = transform.push(last)
  const text = typeof out === 'string' ? out : new TextDecoder().decode(out instanceof Uint8Array ? out : Buffer.concat(out.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))))
  expect(text).toBe('data: [DONE]\n\n')
  expect(transform.end()).toBe('')
  expect(transform.outcome()).toMatchObject({ isComplete: true, usage: { inputTokens: 3, outputTokens: 1 } })
})

test('the usage-only chunk is cut out wherever the upstream splits its bytes, and only it', async () => {
  const { passthroughTransform } = await import('../src/gateway/streams/passthrough-transform.ts')
  const { openai } = await import('../src/protocols/openai/index.ts')
  const encoder = new TextEncoder()
  const event = (data: object) => `data: ${JSON.stringify(data)}\n\n`
  const head = event({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }], usage: null })
  // The last content chunk carries usage too (some upstreams do): it has a marker but is not usage-only, so it stays.
  const kept = event({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } })
  const usageOnly = 'data: {"choices":[],"usage": {"prompt_tokens":3,"completion_tokens":1}}\n\n'
  const tail = `${kept}${usageOnly}data: [DONE]\n\n`
  const textOf = (out: ReturnType<ReturnType<typeof passthroughTransform>['push']>) =>
    typeof out === 'string' ? out : new TextDecoder().decode(out instanceof Uint8Array ? out : Buffer.concat(out.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece))))
  for (let cut = 0; cut <= tail.length; cut++) {
    const transform = passthroughTransform(openai, true)
    let text = textOf(transform.push(encoder.encode(head)))
    text += textOf(transform.push(encoder.encode(tail.slice(0, cut))))
    text += textOf(transform.push(encoder.encode(tail.slice(cut))))
    text += transform.end()
    expect({ cut, text }).toEqual({ cut, text: `${head}${kept}data: [DONE]\n\n` })
    expect(transform.outcome()).toMatchObject({ isComplete: true, usage: { inputTokens: 3, outputTokens: 1 } })
  }
})

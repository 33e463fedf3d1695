import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { StreamPart } from '../../src/ir/index.ts'
import { encodeStream } from '../../src/protocols/openai/index.ts'

// The official SDK reads what encodeStream writes, over real HTTP on 127.0.0.1: tool-call deltas
// assemble by index, the usage chunk is accepted, and an error line becomes an APIError.

let answer: StreamPart[] = []
let server: ReturnType<typeof Bun.serve>
let client: OpenAI

async function* from(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts
}

beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: async () => {
      const context = { estimatedInputTokens: 7, includeUsage: true, id: 'chatcmpl-t', model: 'm', created: 1732000000 }
      let body = ''
      for await (const text of encodeStream(from(answer), context)) body += text
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: 'test-key', maxRetries: 0 })
})

afterAll(() => server.stop(true))

describe('the openai SDK reads encodeStream output', () => {
  test('text, reasoning, two tool calls, finish and usage', async () => {
    answer = [
      { type: 'start', id: 'msg_1', model: 'claude-sonnet-4-5' },
      { type: 'thinking', text: 'plan' },
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'toolu_b', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"Tokyo"}' },
      { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 20, outputTokens: 9, cacheReadTokens: 5 } },
    ]
    const stream = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } })
    const completion = await stream.finalChatCompletion()
    expect(completion.id).toBe('chatcmpl-msg_1')
    expect(completion.choices[0].finish_reason).toBe('tool_calls')
    expect(completion.choices[0].message.content).toBe('Checking.')
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ])
    expect(completion.usage).toEqual({ prompt_tokens: 25, completion_tokens: 9, total_tokens: 34, prompt_tokens_details: { cached_tokens: 5 } })
  })

  test('an error after the first chunk surfaces as an APIError', async () => {
    answer = [
      { type: 'start', id: 'msg_2', model: 'm' },
      { type: 'text', text: 'par' },
      { type: 'error', kind: 'overloaded', message: 'Overloaded' },
    ]
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true })
    const texts: string[] = []
    const reading = (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '')
    })()
    await expect(reading).rejects.toThrow('Overloaded')
    expect(texts.join('')).toBe('par')
  })
})

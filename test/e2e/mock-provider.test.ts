import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

let gateway: RunningServer
beforeAll(async () => {
  gateway = await startGateway(`[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\n`)
})
afterAll(() => gateway.stop())
const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })

describe('the built-in mock provider', () => {
  test('echoes the last user turn', async () => {
    const answer = await client().chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'second' }] })
    expect(answer.choices[0].message.content).toBe('mock: second')
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(0)
  })

  test('streams the echo', async () => {
    const stream = await client().chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'one two three' }], stream: true })
    const deltas: string[] = []
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content)
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.join('')).toBe('mock: one two three')
  })

  test('calls a declared tool when the user names it', async () => {
    const answer = await client().chat.completions.create({
      model: 'any',
      messages: [{ role: 'user', content: 'please use get_weather' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
    })
    expect(answer.choices[0].finish_reason).toBe('tool_calls')
    expect(answer.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{}' } })
  })
})

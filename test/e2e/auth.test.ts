import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

let gateway: RunningServer

beforeAll(async () => {
  gateway = await startGateway(`
[provider.m]
type = "mock"

[[backend]]
model = "m:echo"

[tokens]
alice = "alice-key"
[tokens.team]
key = "team-key"
`)
})
afterAll(() => gateway.stop())

const chatBody = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] })
const post = (path: string, headers: Record<string, string>) =>
  fetch(`${gateway.url}${path}`, { method: 'POST', body: chatBody.replace('}]}', '}],"max_tokens":50}'), headers: { 'content-type': 'application/json', ...headers } })

describe('auth with [tokens]', () => {
  test.each([
    ['Authorization: Bearer', { authorization: 'Bearer alice-key' }],
    ['x-api-key', { 'x-api-key': 'team-key' }],
    ['both, the second one right', { authorization: 'Bearer wrong', 'x-api-key': 'team-key' }],
  ])('accepted via %s', async (_name, headers) => {
    const response = await post('/v1/chat/completions', headers)
    expect(response.status).toBe(200)
  })

  test.each([
    ['no key', {}, 'missing API key'],
    ['a wrong key', { authorization: 'Bearer nope' }, 'invalid API key'],
    ['a wrong x-api-key', { 'x-api-key': 'alice-key-but-longer' }, 'invalid API key'],
  ])('refused with %s, in the OpenAI envelope', async (_name, headers, message) => {
    const response = await post('/v1/chat/completions', headers as Record<string, string>)
    expect(response.status).toBe(401)
    expect(response.headers.get('x-should-retry')).toBe('false')
    const body = (await response.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe('authentication_error')
    expect(body.error.message).toContain(message)
  })

  test('refused in the Anthropic envelope on /v1/messages', async () => {
    const response = await post('/v1/messages', { 'x-api-key': 'nope' })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'invalid API key' } })
  })

  test('the official SDKs authenticate with their own header styles', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'alice-key', maxRetries: 0 })
    const answer = await openai.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'ping' }] })
    expect(answer.choices[0].message.content).toBe('mock: ping')
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'team-key', maxRetries: 0 })
    const message = await anthropic.messages.create({ model: 'x', max_tokens: 50, messages: [{ role: 'user', content: 'ping' }] })
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'mock: ping' })
    const refused = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'bad', maxRetries: 0 })
    const failure = await refused.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'ping' }] }).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toMatchObject({ status: 401 })
  })

  test('/health needs no key', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200)
  })
})

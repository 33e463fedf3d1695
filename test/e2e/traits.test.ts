import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** A backend reserved for background calls (a haiku-class model asked for) ahead of the main one. */
let gateway: RunningServer
beforeAll(async () => {
  gateway = await startGateway(`[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:small"\nwhen = ["background"]\n[[backend]]\nmodel = "m:main"\n`)
})
afterAll(() => gateway.stop())

const servedBy = async (model: string) => {
  const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }) })
  expect(response.status).toBe(200)
  return response.headers.get('x-llmux-backend')
}

describe('`when` traits through the gateway', () => {
  test('a haiku-class request goes to the backend reserved for background calls', async () => {
    expect(await servedBy('claude-haiku-4-5')).toBe('m:small')
  })

  test('any other request skips it', async () => {
    expect(await servedBy('claude-sonnet-4-5')).toBe('m:main')
  })
})

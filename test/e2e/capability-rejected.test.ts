import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** One text-only backend without thinking and a small context: images, thinking and long prompts cannot be served. */
let gateway: RunningServer
beforeAll(async () => {
  gateway = await startGateway(`[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:small"\ncontext = 1000\n`)
})
afterAll(() => gateway.stop())

const post = (path: string, body: Record<string, unknown>) =>
  fetch(`${gateway.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(async (response) => ({ status: response.status, text: await response.text() }))
const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }

describe('capability_rejected for Claude Code (SPEC §7.1)', () => {
  test.each([
    ['images', { messages: [{ role: 'user', content: [image, { type: 'text', text: 'what is it' }] }] }, 'capability_rejected: image_block'],
    ['adaptive thinking', { thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'hi' }] }, 'capability_rejected: thinking_type:adaptive'],
    ['thinking with a budget', { thinking: { type: 'enabled', budget_tokens: 2000 }, messages: [{ role: 'user', content: 'hi' }] }, 'capability_rejected: thinking_type:enabled'],
    ['effort alone', { output_config: { effort: 'high' }, messages: [{ role: 'user', content: 'hi' }] }, 'capability_rejected: effort_unsupported'],
    ['a prompt too long', { messages: [{ role: 'user', content: 'word '.repeat(5000) }] }, 'capability_rejected: prompt_too_long'],
  ])('an Anthropic request with %s no backend can take names the feature', async (_name, body, tag) => {
    const answer = await post('/v1/messages', { model: 'claude-x', max_tokens: 100, ...body })
    expect(answer.status).toBe(400)
    const error = (JSON.parse(answer.text) as { error: { type: string; message: string } }).error
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toContain(`(${tag})`)
  })

  test('OpenAI clients get the plain reason, without the Claude Code tag', async () => {
    const answer = await post('/v1/chat/completions', { model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] })
    expect(answer.status).toBe(400)
    expect(answer.text).toContain('no backend supports images')
    expect(answer.text).not.toContain('capability_rejected')
  })
})

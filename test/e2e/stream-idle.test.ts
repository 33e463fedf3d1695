import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { manualSse, startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** An upstream that sends its first event and then falls silent for good. */
let upstream: MockUpstream
let gateway: RunningServer
const silent: ReturnType<typeof manualSse>[] = []
const chunk = (delta: Record<string, unknown>) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`

beforeAll(async () => {
  upstream = startMockUpstream(() => {
    const stream = manualSse()
    stream.push(chunk({ role: 'assistant', content: 'thinking...' }))
    silent.push(stream)
    return stream.response
  })
  // Real seconds: 0.2 s of silence ends the stream; pings every 50 ms before that.
  gateway = await startGateway(`stream_idle_timeout = 0.2\n[provider.up]\ntype = "openai"\nbase_url = "${upstream.url}/v1"\n[[backend]]\nmodel = "up:m"\n`, { pingMs: 50 })
})
afterAll(async () => {
  // llmux aborted these upstream requests; closing what is already closed is fine.
  for (const stream of silent) {
    try {
      stream.close()
    } catch {}
  }
  await gateway.stop()
  await upstream.stop()
})

describe('stream_idle_timeout', () => {
  test('an Anthropic client gets pings while the upstream is silent, then one timeout error event', async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'x', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    })
    const text = await response.text()
    const events = text.trim().split('\n\n').map((event) => event.split('\n')[0])
    expect(events[0]).toBe('event: message_start')
    expect(events).toContain('event: ping')
    expect(events.at(-1)).toBe('event: error')
    expect(text).toContain('stream_idle_timeout')
    expect(text).not.toContain('message_stop')
  })

  test('an OpenAI passthrough client gets one error line and no [DONE]', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'x', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    })
    const text = await response.text()
    expect(text).toContain('thinking...')
    expect(text).toContain('"error"')
    expect(text).toContain('stream_idle_timeout')
    expect(text).not.toContain('[DONE]')
    expect(text).not.toContain('ping')
  })
})

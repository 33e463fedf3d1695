import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

// Issue 12 item 4: every too-large body, declared or chunked, gets a 413 in the caller's envelope
// (SPEC §4), not Bun's bare 413, and llmux stops reading it once it passes the limit.
let gateway: RunningServer

beforeAll(async () => {
  gateway = await startGateway(`max_body_mb = 1\n[provider.m]\ntype = "mock"\n[[backend]]\nmodel = "m:echo"\ncontext = 2000000\n`)
})
afterAll(() => gateway.stop())

/** max_body_mb + 2 MB: beyond the margin Bun's own limit used to allow. */
const OVERSIZE_BYTES = 3 * 1024 * 1024

const oversizedText = () => JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(OVERSIZE_BYTES) }] })

/** The same bytes as a stream: fetch sends it chunked, with no Content-Length. */
function chunkedBody(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  const chunkBytes = 64 * 1024
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.subarray(at, at + chunkBytes))
      at += chunkBytes
    },
  })
}

const doors = [
  { path: '/v1/messages', codeOf: (body: any) => (body.type === 'error' ? body.error?.type : undefined) },
  { path: '/v1/chat/completions', codeOf: (body: any) => body.error?.code },
  { path: '/v1/responses', codeOf: (body: any) => body.error?.code },
]

describe('a body over max_body_mb gets a 413 in the caller protocol', () => {
  for (const door of doors) {
    for (const shape of ['content-length', 'chunked'] as const) {
      test(`${door.path}, ${shape}`, async () => {
        const text = oversizedText()
        const body = shape === 'chunked' ? chunkedBody(text) : text
        const response = await fetch(`${gateway.url}${door.path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
        expect(response.status).toBe(413)
        expect(response.headers.get('content-type')).toContain('application/json')
        const answer = await response.json()
        expect(door.codeOf(answer)).toBe('request_too_large')
        expect(JSON.stringify(answer)).toContain('max_body_mb')
      })
    }
  }

  test('a chunked body within the limit is still read whole', async () => {
    const text = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'b'.repeat(900_000) }] })
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: chunkedBody(text) })
    expect(response.status).toBe(200)
  })

  test('the server keeps serving after oversized bodies', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(response.status).toBe(200)
  })
})

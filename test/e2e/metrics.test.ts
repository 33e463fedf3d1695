import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openaiCompletion, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { runCli } from '../helpers/run-cli.ts'
import { startRig, type Rig, rigsPerTest } from '../helpers/start-rig.ts'
import { parseMetrics, valueOf } from '../helpers/parse-metrics.ts'

/** SPEC §8 observability: /metrics, the x-llmux-overhead-ms header and `llmux stats`. */
const rig = rigsPerTest()
const dir = mkdtempSync(join(tmpdir(), 'llmux-metrics-'))

const answers: MockHandler = (request) =>
  request.body.stream === true ? sseResponse(openaiStreamChunks(['Hi'], { usage: true })) : Response.json(openaiCompletion('Hi'))
const fails = (status: number): MockHandler => () => Response.json({ error: { message: `upstream says ${status}`, type: 'x' } }, { status })
const post = (r: Rig, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${r.url}/v1/chat/completions`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
const hi = { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }

async function scrape(r: Rig, headers: Record<string, string> = {}) {
  const response = await fetch(`${r.url}/metrics`, { headers })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toStartWith('text/plain')
  return parseMetrics(await response.text())
}

describe('/metrics', () => {
  test('counters move between two scrapes', async () => {
    const r = await rig([{ handler: answers, toml: 'price_input = 1\nprice_output = 1' }])
    const before = await scrape(r)
    expect((await post(r, hi)).status).toBe(200)
    const after = await scrape(r)
    const moved = (name: string, labels: Record<string, string> = {}) => (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0)
    expect(moved('llmux_requests_total', { protocol: 'openai', backend: 'a:model-a', status: '200' })).toBe(1)
    expect(moved('llmux_tokens_total', { backend: 'a:model-a', kind: 'input' })).toBe(11)
    expect(moved('llmux_tokens_total', { backend: 'a:model-a', kind: 'output' })).toBe(7)
    expect(moved('llmux_cost_usd_total', { backend: 'a:model-a' })).toBeCloseTo(18 / 1_000_000, 12)
    expect(moved('llmux_request_duration_seconds_count', { backend: 'a:model-a' })).toBe(1)
    expect(moved('llmux_overhead_seconds_count')).toBe(1)
  })

  test('llmux_backend_state shows a failed backend cooling and the other ok; the failover is counted, no error', async () => {
    const r = await rig([{ handler: fails(500) }, { handler: answers }])
    expect(valueOf(await scrape(r), 'llmux_backend_state', { backend: 'a:model-a', state: 'ok' })).toBe(1)
    expect((await post(r, hi)).status).toBe(200)
    const metrics = await scrape(r)
    expect(valueOf(metrics, 'llmux_backend_state', { backend: 'a:model-a', state: 'cooling' })).toBe(1)
    expect(valueOf(metrics, 'llmux_backend_state', { backend: 'a:model-a', state: 'ok' })).toBe(0)
    expect(valueOf(metrics, 'llmux_backend_state', { backend: 'b:model-b', state: 'ok' })).toBe(1)
    expect(valueOf(metrics, 'llmux_failovers_total', { backend: 'a:model-a' })).toBe(1)
    // The client got its answer: no error is counted.
    expect(valueOf(metrics, 'llmux_errors_total')).toBeUndefined()
  })

  test('llmux_backend_state shows window_full when a rate window is used up, ok again when it rolls over', async () => {
    const r = await rig([{ handler: answers, toml: 'max_per_minute = 1' }, { handler: answers }])
    expect((await post(r, hi)).status).toBe(200)
    expect(valueOf(await scrape(r), 'llmux_backend_state', { backend: 'a:model-a', state: 'window_full' })).toBe(1)
    r.clock.ms += 60_000
    expect(valueOf(await scrape(r), 'llmux_backend_state', { backend: 'a:model-a', state: 'ok' })).toBe(1)
  })

  test('with tokens configured, /metrics needs one', async () => {
    const r = await rig([{ handler: answers }], { tail: '[tokens]\nops = "ops-key"' })
    const anonymous = await fetch(`${r.url}/metrics`)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.text()).not.toContain('llmux_requests_total')
    await scrape(r, { authorization: 'Bearer ops-key' })
    await scrape(r, { 'x-api-key': 'ops-key' })
  })
})

describe('x-llmux-overhead-ms', () => {
  test('is on every answer, success and error', async () => {
    const upstream: MockHandler = (request, index) => (JSON.stringify(request.body).includes('refuse') ? fails(400)(request, index) : answers(request, index))
    const r = await rig([{ handler: upstream }], { tail: '[tokens]\nalice = "alice-key"' })
    const auth = { authorization: 'Bearer alice-key' }
    const image = { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }
    const cases: [string, Promise<Response>, number][] = [
      ['answered', post(r, hi, auth), 200],
      ['streamed', post(r, { ...hi, stream: true }, auth), 200],
      ['upstream 400', post(r, { ...hi, messages: [{ role: 'user', content: 'refuse' }] }, auth), 400],
      ['bad JSON', post(r, '{"model":', auth), 400],
      ['no key', post(r, hi), 401],
      ['no vision backend', post(r, { ...hi, messages: [image] }, auth), 400],
    ]
    for (const [name, answer, status] of cases) {
      const response = await answer
      await response.arrayBuffer()
      expect({ name, status: response.status }).toEqual({ name, status })
      expect({ name, overhead: response.headers.get('x-llmux-overhead-ms') }).toEqual({ name, overhead: expect.stringMatching(/^\d+\.\d{3}$/) })
    }
  })
})

describe('x-llmux-overhead-ms on count_tokens', () => {
  test('the estimate answer and its errors carry the header too', async () => {
    const r = await rig([{ handler: answers }])
    const count = (body: string) => fetch(`${r.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body })
    const estimated = await count(JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] }))
    expect(estimated.status).toBe(200)
    expect(estimated.headers.get('x-llmux-overhead-ms')).toMatch(/^\d+\.\d{3}$/)
    const broken = await count('{"model":')
    expect(broken.status).toBe(400)
    expect(broken.headers.get('x-llmux-overhead-ms')).toMatch(/^\d+\.\d{3}$/)
  })
})

describe('llmux stats', () => {
  const store = join(dir, 'stats.db')
  const config = join(dir, 'stats.toml')

  test('reads the SQLite store a gateway wrote: backend and client with request counts; --json; bad --since', async () => {
    const r = await startRig([{ handler: answers, toml: 'price_input = 1\nprice_output = 1' }], { top: `store = "${store}"`, tail: '[tokens]\nalice = "alice-key"' })
    const auth = { authorization: 'Bearer alice-key' }
    expect((await post(r, hi, auth)).status).toBe(200)
    const streamed = await post(r, { ...hi, stream: true, stream_options: { include_usage: true } }, auth)
    await streamed.text()
    await r.logger.waitFor(/#2 → 200/)
    await r.stop()
    writeFileSync(config, `store = "${store}"\n[provider.a]\ntype = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n[[backend]]\nmodel = "a:model-a"\n`)

    const table = await runCli(['stats', '-c', config])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^a:model-a\s+2\s+0\s+22\s+/m)
    expect(table.stdout).toMatch(/^alice\s+2\s+0\s+22\s+/m)

    const json = await runCli(['stats', '-c', config, '--json'])
    expect(json.code).toBe(0)
    const parsed = JSON.parse(json.stdout) as Record<string, { key: string; requests: number; inputTokens: number }[]>
    expect(parsed.backend).toEqual([expect.objectContaining({ key: 'a:model-a', requests: 2, inputTokens: 22 })])
    expect(parsed.client).toEqual([expect.objectContaining({ key: 'alice', requests: 2 })])
    expect(parsed.day).toHaveLength(1)

    const bad = await runCli(['stats', '-c', config, '--since', 'last-tuesday'])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe('')
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain('--since')
  })
})

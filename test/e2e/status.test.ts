import { describe, expect, test } from 'bun:test'
import { openaiCompletion, type MockHandler } from '../helpers/mock-upstream.ts'
import { rigsPerTest, type Rig } from '../helpers/start-rig.ts'
import type { Status } from '../../src/server/status.ts'

/** SPEC §4: GET /status (JSON) and GET / (the status page, with its login form when tokens are set). */
const rig = rigsPerTest()

const answers: MockHandler = () => Response.json(openaiCompletion('Hi'))
const busy: MockHandler = () => Response.json({ error: { message: 'slow down', type: 'rate_limit' } }, { status: 429, headers: { 'retry-after': '30' } })
const SECRET_PROMPT = 'the-secret-prompt-text-42'
const ask = (r: Rig, headers: Record<string, string> = {}) =>
  fetch(`${r.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: SECRET_PROMPT }] }) })

describe('GET /status', () => {
  test('after a few requests and one rate-limited backend: every backend, the cooling one as cooling, the counts, no prompt text', async () => {
    const r = await rig([{ handler: busy }, { handler: answers, toml: 'max_per_minute = 10' }, { handler: answers }])
    for (let index = 0; index < 3; index++) expect((await ask(r)).status).toBe(200)
    const response = await fetch(`${r.url}/status`)
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).not.toContain(SECRET_PROMPT)
    const status = JSON.parse(text) as Status
    expect(status.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(status.store).toBe('ok')
    expect(status.backends.map((backend) => backend.id)).toEqual(r.ids)
    const [a, b, c] = status.backends
    expect(a.state).toBe('cooling')
    expect(Date.parse(a.coolingUntil!)).toBe(r.clock.ms + 30_000)
    expect(b.state).toBe('ok')
    expect(b.windows).toEqual([{ name: 'max_per_minute', count: 3, limit: 10 }])
    expect(c).toMatchObject({ state: 'ok', windows: [] })
    const byBackend = Object.fromEntries(status.today.byBackend.map((row) => [row.key, row]))
    expect(byBackend['b:model-b']).toMatchObject({ requests: 3, errors: 0, inputTokens: 33, outputTokens: 21 })
    expect(status.today.byClient).toEqual([expect.objectContaining({ key: '-', requests: 3 })])
    expect(status.recent).toHaveLength(3)
    expect(status.recent[0]).toMatchObject({ protocol: 'openai', model: 'gpt-test', backend: 'b:model-b', status: 200, inputTokens: 11, outputTokens: 7 })
    expect(status.affinity).toEqual({ hit: expect.any(Number), moved: expect.any(Number), new: expect.any(Number) })
  })

  test('recent keeps only the last 20 requests', async () => {
    const r = await rig([{ handler: answers }])
    for (let index = 0; index < 23; index++) expect((await ask(r)).status).toBe(200)
    const status = (await (await fetch(`${r.url}/status`)).json()) as Status
    expect(status.recent).toHaveLength(20)
    expect(status.today.byBackend[0].requests).toBe(23)
  })

  test('with tokens: 401 in OpenAI error shape without one; Bearer, x-api-key or the login cookie work', async () => {
    const r = await rig([{ handler: answers }], { tail: '[tokens]\nops = "ops-key"' })
    const anonymous = await fetch(`${r.url}/status`)
    expect(anonymous.status).toBe(401)
    const body = (await anonymous.json()) as { error: { message: string; type: string } }
    expect(body.error.type).toBeString()
    expect(body.error.message).toContain('API key')
    expect((await fetch(`${r.url}/status`, { headers: { authorization: 'Bearer ops-key' } })).status).toBe(200)
    expect((await fetch(`${r.url}/status`, { headers: { 'x-api-key': 'ops-key' } })).status).toBe(200)
    expect((await fetch(`${r.url}/status`, { headers: { cookie: 'llmux_token=ops-key' } })).status).toBe(200)
    expect((await fetch(`${r.url}/status`, { headers: { cookie: 'llmux_token=wrong' } })).status).toBe(401)
  })
})

describe('GET / (status page)', () => {
  test('shows every backend, the cooling one as cooling, the counts; escapes text; no external assets; refreshes itself', async () => {
    const r = await rig([{ handler: busy }, { handler: answers }])
    for (let index = 0; index < 2; index++) expect((await ask(r)).status).toBe(200)
    await fetch(`${r.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: '<script>alert(1)</script>', messages: [{ role: 'user', content: SECRET_PROMPT }] }) })
    const response = await fetch(`${r.url}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toStartWith('text/html')
    const html = await response.text()
    for (const id of r.ids) expect(html).toContain(id)
    expect(html).toMatch(/a:model-a<\/td><td>a<\/td><td><span class="state cooling">cooling<\/span> until /)
    expect(html).toMatch(/b:model-b<\/td><td class="n">3<\/td>/)
    expect(html).toContain('<meta http-equiv="refresh" content="5">')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toContain(SECRET_PROMPT)
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toContain('sk-a')
  })

  test('with tokens: only the login form until a valid token is posted; the cookie then opens the page', async () => {
    const r = await rig([{ handler: answers }, { handler: answers }], { tail: '[tokens]\nops = "ops-key"' })
    const anonymous = await fetch(`${r.url}/`)
    expect(anonymous.status).toBe(401)
    const form = await anonymous.text()
    expect(form).toContain('<form method="post" action="/login">')
    expect(form).toContain('name="token"')
    for (const id of r.ids) expect(form).not.toContain(id)
    expect(form).not.toMatch(/https?:\/\//)

    const wrong = await fetch(`${r.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const again = await wrong.text()
    expect(again).toContain('action="/login"')
    expect(again).not.toContain(r.ids[0])

    const right = await fetch(`${r.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'ops-key' }), redirect: 'manual' })
    expect(right.status).toBe(303)
    expect(right.headers.get('location')).toBe('/')
    const cookie = right.headers.get('set-cookie')!
    expect(cookie).toContain('llmux_token=')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    const page = await fetch(`${r.url}/`, { headers: { cookie: cookie.split(';')[0] } })
    expect(page.status).toBe(200)
    const html = await page.text()
    for (const id of r.ids) expect(html).toContain(id)
    expect(html).not.toContain('ops-key')
    expect(html).not.toContain('action="/login"')
  })
})

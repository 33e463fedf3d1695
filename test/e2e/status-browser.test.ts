import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core'
import { openaiCompletion, type MockHandler } from '../helpers/mock-upstream.ts'
import { rigsPerTest, type Rig } from '../helpers/start-rig.ts'

/**
 * Issue 14: the status page (SPEC §4, GET /) as a person sees it, in Debian's headless Chromium driven by
 * playwright-core (which never downloads a browser: .ci/run installs `chromium` with apt-get).
 * Screenshot: .tmp/artifacts/status-page.png; also docs/status-page.png when LLMUX_UPDATE_SCREENSHOT=1.
 */
const CHROMIUM = '/usr/bin/chromium'
const ROOT = join(import.meta.dir, '..', '..')
const TOKEN = 'ops-key'
const TOKENS = `[tokens]\nops = "${TOKEN}"`
const rig = rigsPerTest()

const answers: MockHandler = () => Response.json(openaiCompletion('Hi'))
const busy: MockHandler = () => Response.json({ error: { message: 'slow down', type: 'rate_limit' } }, { status: 429, headers: { 'retry-after': '30' } })

let launched: Promise<Browser> | undefined
/** The one browser of this file, launched on first use; without Debian's chromium the test fails and says what to do. */
function browser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the status-page browser test needs Debian's chromium. Run .ci/run as root, or: apt-get install -y chromium`)
  }
  launched ??= chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return launched
}

const contexts: BrowserContext[] = []
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => {})))
  if (launched) await (await launched).close()
})

/** A fresh, empty browser context (no cookies) and a page in it; every request the page makes is recorded. */
async function openPage(): Promise<{ page: Page; requests: Request[] }> {
  const context = await (await browser()).newContext({ viewport: { width: 1280, height: 720 } })
  contexts.push(context)
  const requests: Request[] = []
  context.on('request', (request) => void requests.push(request))
  return { page: await context.newPage(), requests }
}

/** Two requests through each door (Chat Completions and Messages); the first one meets the busy backend, which cools down. */
async function traffic(r: Rig, token?: string): Promise<void> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  for (let index = 0; index < 2; index++) {
    const chat = await fetch(`${r.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello' }] }) })
    expect(chat.status).toBe(200)
    const messages = await fetch(`${r.url}/v1/messages`, {
      method: 'POST',
      headers: { ...auth, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }),
    })
    expect(messages.status).toBe(200)
  }
}

/** The cell texts of the table under the heading `title`, header row first, as the browser renders them. */
async function tableUnder(page: Page, title: string): Promise<string[][]> {
  const rows = page.locator(`h2:text-is("${title}") + table tr`)
  const texts: string[][] = []
  for (const row of await rows.all()) texts.push((await row.locator('th, td').allInnerTexts()).map((text) => text.trim()))
  return texts
}

/** Rows of a table keyed by their first cell, each as { column title: text }. */
function byFirstCell(table: string[][]): Record<string, Record<string, string>> {
  const [header, ...rows] = table
  return Object.fromEntries(rows.map((row) => [row[0], Object.fromEntries(header.map((title, index) => [title, row[index]]))]))
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('token').fill(token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Backends' }).waitFor()
  await page.waitForLoadState('load')
}

describe('status page in headless Chromium', () => {
  test('with tokens: only the login form; after signing in every backend, the cooling one as cooling, and the counts', async () => {
    const r = await rig([{ handler: busy }, { handler: answers, toml: 'max_per_minute = 10' }, { handler: answers }], { tail: TOKENS })
    await traffic(r, TOKEN)
    const { page } = await openPage()

    const anonymous = await page.goto(`${r.url}/`)
    expect(anonymous!.status()).toBe(401)
    const form = await page.locator('body').innerText()
    expect(form).toContain('Enter an llmux token')
    for (const id of r.ids) expect(form).not.toContain(id)
    expect(form).not.toContain('Backends')
    expect(await page.locator('table').count()).toBe(0)
    expect(await page.getByLabel('token').isVisible()).toBe(true)

    await page.getByLabel('token').fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That token is not valid.').waitFor()
    const refused = await page.locator('body').innerText()
    for (const id of r.ids) expect(refused).not.toContain(id)

    await signIn(page, TOKEN)
    expect(new URL(page.url()).pathname).toBe('/')
    const text = await page.locator('body').innerText()
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain('hello')

    const backends = await tableUnder(page, 'Backends')
    expect(backends[0]).toEqual(['backend', 'provider', 'state', 'windows'])
    expect(backends.slice(1).map((row) => row[0])).toEqual(r.ids)
    const state = byFirstCell(backends)
    expect(state['a:model-a'].state).toBe(`cooling until ${new Date(r.clock.ms + 30_000).toISOString()}`)
    expect(state['b:model-b'].state).toBe('ok')
    expect(state['b:model-b'].windows).toBe('4 of 10 per minute')
    expect(state['c:model-c'].state).toBe('ok')
    expect(await page.locator('tr', { hasText: 'a:model-a' }).first().locator('.state').innerText()).toBe('cooling')

    // Four requests, all served by b (a was cooling after the first attempt); the client is the token's name.
    const today = byFirstCell(await tableUnder(page, 'Today by backend'))
    expect(today['b:model-b']).toMatchObject({ requests: '4', errors: '0' })
    expect(today['c:model-c']).toBeUndefined()
    const clients = byFirstCell(await tableUnder(page, 'Today by client'))
    expect(clients.ops).toMatchObject({ requests: '4', errors: '0' })
    const recent = (await tableUnder(page, 'Last requests')).slice(1)
    expect(recent).toHaveLength(4)
    expect(recent.map((row) => row[2]).sort()).toEqual(['anthropic', 'anthropic', 'openai', 'openai'])
    for (const row of recent) expect(row[5]).toBe('200')

    const artifacts = join(ROOT, '.tmp', 'artifacts')
    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: join(artifacts, 'status-page.png'), fullPage: true })
    if (process.env.LLMUX_UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true })
      await page.screenshot({ path: join(ROOT, 'docs', 'status-page.png'), fullPage: true })
    }
  })

  test('every request the page makes stays on 127.0.0.1, and the page refreshes itself with fresh numbers', async () => {
    const r = await rig([{ handler: busy }, { handler: answers }], { tail: TOKENS })
    await traffic(r, TOKEN)
    const { page, requests } = await openPage()
    await page.goto(`${r.url}/`)
    await signIn(page, TOKEN)
    expect(byFirstCell(await tableUnder(page, 'Today by backend'))['b:model-b'].requests).toBe('4')

    // The page says how often it reloads (a meta refresh, which the browser runs itself: no page script, so
    // Playwright's fake clock cannot move it; the test waits for the browser's own reload instead).
    const refresh = await page.locator('meta[http-equiv="refresh"]').getAttribute('content')
    const seconds = Number(refresh)
    expect(seconds).toBeGreaterThan(0)
    expect(seconds).toBeLessThanOrEqual(10)
    const sentBefore = requests.length
    const reloaded = page.waitForEvent('load', { timeout: (seconds + 10) * 1000 })
    await traffic(r, TOKEN)
    await reloaded
    const reload = requests.slice(sentBefore).find((request) => request.isNavigationRequest() && new URL(request.url()).pathname === '/')
    expect(reload?.method()).toBe('GET')
    expect(byFirstCell(await tableUnder(page, 'Today by backend'))['b:model-b'].requests).toBe('8')
    expect(await page.locator('body').innerText()).toContain('b:model-b')

    const seen = requests.map((request) => `${request.method()} ${request.url()}`)
    expect(seen).toContain(`POST ${r.url}/login`)
    for (const request of requests) expect({ url: request.url(), host: new URL(request.url()).hostname }).toEqual({ url: request.url(), host: '127.0.0.1' })
    // No stylesheets, scripts, fonts or images are fetched at all: the page is one self-contained document.
    expect(requests.map((request) => request.resourceType()).filter((type) => type !== 'document')).toEqual([])
  })

  test('without tokens the page shows the backends at once', async () => {
    const r = await rig([{ handler: busy }, { handler: answers }])
    await traffic(r)
    const { page } = await openPage()
    const response = await page.goto(`${r.url}/`)
    expect(response!.status()).toBe(200)
    expect(await page.locator('form').count()).toBe(0)
    const backends = byFirstCell(await tableUnder(page, 'Backends'))
    expect(Object.keys(backends)).toEqual(r.ids)
    expect(backends['a:model-a'].state).toStartWith('cooling until ')
    expect(backends['b:model-b'].state).toBe('ok')
    expect(byFirstCell(await tableUnder(page, 'Today by backend'))['b:model-b'].requests).toBe('4')
  })
})

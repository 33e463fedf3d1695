import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { RedisClient } from 'bun'
import type { RunningServer } from '../../src/server/start-server.ts'
import { startLlmux, type RunningLlmux } from '../claude-code/start-llmux.ts'
import { openaiCompletion, startMockUpstream, type MockHandler, type MockUpstream } from '../helpers/mock-upstream.ts'
import { startRedis, type RunningRedis } from '../helpers/redis-server.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/**
 * Several llmux instances on one Redis (SPEC §12): limits, budgets and cooldowns hold across them, a
 * kill -9 of one loses no count, and Redis going away is served ("open") or refused ("closed") and
 * recovered from without restarting llmux. In-process gateways share a fake clock; the kill -9 test
 * runs real processes.
 */
let redis: RunningRedis
const upstreams: MockUpstream[] = []
const gateways: RunningServer[] = []
const processes: RunningLlmux[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.stop()
})
beforeEach(async () => {
  const client = new RedisClient(redis.url)
  await client.send('FLUSHALL', [])
  client.close()
})
afterEach(async () => {
  await Promise.all([...gateways.splice(0).map((gateway) => gateway.stop(1000)), ...processes.splice(0).map((child) => child.stop())])
  await Promise.all(upstreams.splice(0).map((upstream) => upstream.stop()))
})

const ok: MockHandler = () => Response.json(openaiCompletion('hello'))

function upstream(handler: MockHandler = ok): MockUpstream {
  const started = startMockUpstream(handler)
  upstreams.push(started)
  return started
}

const backendToml = (name: string, mock: MockUpstream, extra = '') =>
  `[provider.${name}]\ntype = "openai"\nbase_url = "${mock.url}/v1"\napi_key = "sk-${name}"\n\n[[backend]]\nmodel = "${name}:m"\n${extra}\n`

/** Two (or more) in-process instances of one config on the test's Redis, sharing one fake clock. */
async function instances(toml: string, count = 2, failure: 'open' | 'closed' = 'open'): Promise<RunningServer[]> {
  const clock = { ms: Date.UTC(2026, 11, 3, 12) }
  const started = await Promise.all(
    Array.from({ length: count }, () => startGateway(`store = "${redis.url}"\nstore_failure = "${failure}"\n${toml}`, { now: () => clock.ms })),
  )
  gateways.push(...started)
  return started
}

const chat = (url: string, key = 'unused') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }] }),
  })

describe('two instances on one Redis', () => {
  test('a shared max_per_hour holds exactly under concurrent load sent to both', async () => {
    const mock = upstream()
    const [a, b] = await instances(backendToml('p', mock, 'max_per_hour = 5'))
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => chat((i % 2 ? a : b).url)))
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(5)
    expect(statuses.filter((status) => status === 429)).toHaveLength(7)
    expect(mock.seen).toHaveLength(5)
    for (const answer of answers.filter((answer) => answer.status === 429)) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  test("a client's max_per_minute is shared", async () => {
    const mock = upstream()
    const [a, b] = await instances(`${backendToml('p', mock)}\n[tokens.team]\nkey = "team-key"\nmax_per_minute = 3\n`)
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => chat((i % 2 ? a : b).url, 'team-key').then((answer) => answer.status)))
    expect(statuses.filter((status) => status === 200)).toHaveLength(3)
    expect(mock.seen).toHaveLength(3)
  })

  test('a daily budget spent through one instance is refused by the other (429, x-should-retry: false)', async () => {
    const mock = upstream()
    // 11 input tokens at $100k per million: one answer costs $1.1, over the $1 budget.
    const [a, b] = await instances(`${backendToml('p', mock, 'price_input = 100000')}\n[tokens.team]\nkey = "team-key"\ndaily_budget = 1.0\n`)
    expect((await chat(a.url, 'team-key')).status).toBe(200)
    await a.gateway.store.flush()
    const refused = await chat(b.url, 'team-key')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('x-should-retry')).toBe('false')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('insufficient_quota')
    expect(mock.seen).toHaveLength(1)
  })

  test('a cooldown set by a 429 on one instance is honoured by the other', async () => {
    const limited = upstream(() => Response.json({ error: { message: 'slow down', type: 'rate_limit_error' } }, { status: 429, headers: { 'retry-after': '30' } }))
    const spare = upstream()
    const [a, b] = await instances(backendToml('first', limited) + backendToml('second', spare))
    const viaA = await chat(a.url)
    expect(viaA.headers.get('x-llmux-backend')).toBe('second:m')
    const viaB = await chat(b.url)
    expect(viaB.headers.get('x-llmux-backend')).toBe('second:m')
    expect(viaB.headers.get('x-llmux-attempts')).toBe('1')
    expect(limited.seen).toHaveLength(1)
  })
})

describe('session affinity across instances', () => {
  test('a session that started on one instance keeps its backend when its next turn reaches the other', async () => {
    const mocks = [upstream(), upstream(), upstream()]
    const [a, b] = await instances(`routing = "weighted"\n${mocks.map((mock, i) => backendToml(`p${i}`, mock)).join('')}`)
    const turn = (url: string, session: string) =>
      fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'session-id': session }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }] }) })
    for (let i = 0; i < 12; i++) {
      const first = (await turn(a.url, `s${i}`)).headers.get('x-llmux-backend')
      const second = (await turn(b.url, `s${i}`)).headers.get('x-llmux-backend')
      expect(second).toBe(first)
    }
  })
})

describe('Redis away and back', () => {
  test('store_failure = "open" serves on local state and says degraded; "closed" answers 503; both recover by themselves', async () => {
    const mock = upstream()
    const [open] = await instances(backendToml('p', mock))
    const [closed] = await instances(backendToml('p', mock), 1, 'closed')
    expect(await (await fetch(`${open.url}/health`)).json()).toEqual({ status: 'ok' })
    await redis.kill9()
    try {
      expect((await chat(open.url)).status).toBe(200)
      expect(await (await fetch(`${open.url}/health`)).json()).toEqual({ status: 'degraded' })
      expect(await (await fetch(`${open.url}/metrics`)).text()).toContain('llmux_store_state{state="degraded"} 1')
      const refused = await chat(closed.url)
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('unreachable')
      const anthropic = await fetch(`${closed.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ model: 'x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }) })
      expect(((await anthropic.json()) as { type: string }).type).toBe('error')
    } finally {
      await redis.restart()
    }
    await waitUntil(async () => (await chat(closed.url)).status === 200)
    expect((await chat(open.url)).status).toBe(200)
    expect(await (await fetch(`${open.url}/health`)).json()).toEqual({ status: 'ok' })
  })
})

describe('kill -9', () => {
  test('a killed and restarted instance loses no count: the shared window admits exactly its limit', async () => {
    const mock = upstream()
    const dir = await mkdtemp(path.join(tmpdir(), 'llmux-scale-'))
    const configPath = path.join(dir, 'llmux.toml')
    await writeFile(configPath, `store = "${redis.url}"\n${backendToml('p', mock, 'max_per_hour = 20')}`)
    try {
      let [a, b] = await Promise.all([startLlmux(configPath), startLlmux(configPath)])
      processes.push(a, b)
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await chat((i % 2 ? a : b).url)).status)
      await a.kill9()
      processes.splice(processes.indexOf(a), 1)
      a = await startLlmux(configPath)
      processes.push(a)
      const more = await Promise.all(Array.from({ length: 18 }, (_, i) => chat((i % 2 ? a : b).url).then((answer) => answer.status)))
      statuses.push(...more)
      expect(statuses.filter((status) => status === 200)).toHaveLength(20)
      expect(mock.seen).toHaveLength(20)
      await Promise.all(processes.splice(0).map((child) => child.stop()))
      const client = new RedisClient(redis.url)
      // The window is exact across the kill: every attempt was counted on the server before it was sent.
      expect(await client.send('ZCARD', ['llmux:attempts:p:m'])).toBe(20)
      // The request log is written just after each answer: the one answer the killed instance gave in
      // the same instant as the kill may miss its row (documented in the README), never more.
      expect(Number(await client.send('XLEN', ['llmux:requests']))).toBeGreaterThanOrEqual(29)
      client.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 30_000)
})

/** Retries a check until it holds (a reconnect happens on the store's own backoff), bounded in time. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`)
    await Bun.sleep(50)
  }
}

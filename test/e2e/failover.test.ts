import { describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { openaiCompletion, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { refusedUrl, type Rig, type RigBackend, rigsPerTest } from '../helpers/start-rig.ts'
import { seededRandom } from '../helpers/seeded-random.ts'

/** SPEC §5–§6 through the gateway: which backend serves, when llmux moves on, and when it does not. */
const rig = rigsPerTest()

const answers = (text: string): MockHandler => (request) =>
  request.body.stream === true ? sseResponse(openaiStreamChunks(text.split(' '), { usage: true })) : Response.json(openaiCompletion(text))
const fails = (status: number, message: string, headers: Record<string, string> = {}): MockHandler => () =>
  Response.json({ error: { message, type: 'upstream_error', param: null, code: null } }, { status, headers })
/** Fails the first `times` requests, then answers. */
const failsFirst = (times: number, failure: MockHandler, then: MockHandler): MockHandler => (request, index) => (index < times ? failure(request, index) : then(request, index))

const ask = (rig: Rig, extra: Record<string, unknown> = {}) =>
  rig
    .openai()
    .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .withResponse()

async function served(rig: Rig): Promise<string> {
  const { data, response } = await ask(rig)
  expect(data.choices[0].message.content).toBe(`from ${response.headers.get('x-llmux-backend')}`)
  return response.headers.get('x-llmux-backend')!
}

describe('failover on a retryable failure', () => {
  test('429 with Retry-After: 30 → the second backend serves, the first cools for 30 s', async () => {
    const r = await rig([
      { handler: failsFirst(1, fails(429, 'Rate limit reached for gpt-a', { 'retry-after': '30' }), answers('from a:model-a')) },
      { handler: answers('from b:model-b') },
    ])
    const { data, response } = await ask(r)
    expect(data.choices[0].message.content).toBe('from b:model-b')
    expect(response.headers.get('x-llmux-backend')).toBe('b:model-b')
    expect(response.headers.get('x-llmux-attempts')).toBe('2')
    expect(r.logger.lines).toContain('failover 429: switching to b:model-b (Rate limit reached for gpt-a)')

    // Cooling: the next request goes straight to b; a does not hear of it.
    expect(await served(r)).toBe('b:model-b')
    expect(r.hits()).toEqual([1, 2])
    r.clock.ms += 29_000
    expect(await served(r)).toBe('b:model-b')
    r.clock.ms += 2_000
    expect(await served(r)).toBe('a:model-a')
    expect(r.hits()).toEqual([2, 3])
  })

  const failures: [string, () => Promise<RigBackend>, string][] = [
    ['500', async () => ({ handler: fails(500, 'internal trouble') }), 'failover 500: switching to b:model-b (internal trouble)'],
    ['529', async () => ({ handler: fails(529, 'Overloaded') }), 'failover 529: switching to b:model-b (Overloaded)'],
    ['an upstream that never answers (request_timeout = 1)', async () => ({ handler: () => new Promise<Response>(() => {}) }), 'failover timeout: switching to b:model-b'],
    ['connection refused', async () => ({ url: await refusedUrl() }), 'failover connection: switching to b:model-b'],
  ]
  for (const [name, first, logLine] of failures) {
    test(`${name} → the second backend serves and the first cools down`, async () => {
      const r = await rig([await first(), { handler: answers('from b:model-b') }], { top: 'request_timeout = 1' })
      const { data, response } = await ask(r)
      expect(data.choices[0].message.content).toBe('from b:model-b')
      expect(response.headers.get('x-llmux-attempts')).toBe('2')
      expect(r.logger.lines.some((line) => line.startsWith(logLine))).toBe(true)
      const firstHits = r.hits()[0]
      expect(await served(r)).toBe('b:model-b')
      expect(r.hits()[0]).toBe(firstHits)
    })
  }

  test('a context-length 400 → only a larger-context backend is tried; a smaller one in between is skipped', async () => {
    const r = await rig([
      { handler: fails(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."), toml: 'context = 8192' },
      { handler: answers('from b:model-b'), toml: 'context = 4096' },
      { handler: answers('from c:model-c'), toml: 'context = 200000' },
    ])
    const { data, response } = await ask(r)
    expect(data.choices[0].message.content).toBe('from c:model-c')
    expect(response.headers.get('x-llmux-attempts')).toBe('2')
    expect(r.hits()).toEqual([1, 0, 1])
  })

  test('max_retries = 1 with three failing backends → exactly 2 attempts and one clear error', async () => {
    const r = await rig([{ handler: fails(503, 'a is down') }, { handler: fails(503, 'b is down') }, { handler: fails(503, 'c is down') }], { top: 'max_retries = 1' })
    const error = await ask(r).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    const apiError = error as InstanceType<typeof OpenAI.APIError>
    expect(apiError.status).toBe(503)
    expect(apiError.message).toContain('b is down')
    expect(apiError.headers?.get('x-llmux-attempts')).toBe('2')
    expect(r.hits()).toEqual([1, 1, 0])
  })

  test('when max_retries ends the failover, the log says so instead of "no other backend can serve"', async () => {
    const r = await rig([{ handler: fails(503, 'a is down') }, { handler: fails(503, 'b is down') }, { handler: answers('from c') }], { top: 'max_retries = 1' })
    await ask(r).catch(() => undefined)
    expect(r.hits()).toEqual([1, 1, 0])
    // c:model-c was never tried and could have served.
    expect(r.logger.lines.filter((line) => line.includes('no other backend can serve'))).toEqual([])
    expect(r.logger.lines.some((line) => line.startsWith('failover 503:') && line.includes('max_retries'))).toBe(true)
  })

  test('every backend overloaded (529) → the Anthropic client gets 529 overloaded_error', async () => {
    const r = await rig([{ handler: fails(529, 'Overloaded') }, { handler: fails(529, 'Overloaded too') }])
    const error = (await r.anthropic().messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((thrown: unknown) => thrown)) as InstanceType<typeof Anthropic.APIError>
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect(error.status).toBe(529)
    expect((error.error as { error: { type: string } }).error.type).toBe('overloaded_error')
    expect(r.hits()).toEqual([1, 1])
  })

  test('every backend unreachable → 502 with one clear line that holds no URL or key', async () => {
    const r = await rig([{ url: await refusedUrl() }, { url: await refusedUrl() }])
    const response = await fetch(`${r.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(response.status).toBe(502)
    const body = (await response.json()) as { error: { message: string; type: string } }
    expect(body.error.message).toContain('b:model-b')
    expect(body.error.message).not.toMatch(/127\.0\.0\.1|sk-|\n/)
  })
})

describe('failures that are not retried', () => {
  test('a plain 400 goes back at once; the second upstream sees nothing', async () => {
    const r = await rig([{ handler: fails(400, "Unsupported parameter: 'foo'") }, { handler: answers('from b:model-b') }])
    const error = await ask(r).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as Error).message).toContain("Unsupported parameter: 'foo'")
    expect(r.hits()).toEqual([1, 0])
    // Not cooling: the next request tries a again.
    await ask(r).catch(() => undefined)
    expect(r.hits()).toEqual([2, 0])
  })

  test('images with no vision backend → 400 "no backend supports images", nothing sent upstream', async () => {
    const r = await rig([{ handler: answers('from a') }, { handler: answers('from b') }])
    const error = await r
      .anthropic()
      .messages.create({
        model: 'claude-test',
        max_tokens: 10,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }, { type: 'text', text: 'what is it' }] }],
      })
      .catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect((error as Error).message).toContain('no backend supports images')
    expect(r.hits()).toEqual([0, 0])
  })

  test('every backend cooling → 429 with Retry-After (the soonest one frees), nothing sent upstream', async () => {
    const r = await rig([{ handler: fails(429, 'slow down a', { 'retry-after': '30' }) }, { handler: fails(429, 'slow down b', { 'retry-after': '45' }) }])
    const first = await r.anthropic().messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((thrown: unknown) => thrown)
    expect(first).toBeInstanceOf(Anthropic.RateLimitError)
    expect(r.hits()).toEqual([1, 1])
    r.clock.ms += 10_000
    const second = (await r.anthropic().messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((thrown: unknown) => thrown)) as InstanceType<typeof Anthropic.APIError>
    expect(second).toBeInstanceOf(Anthropic.RateLimitError)
    expect(second.headers?.get('retry-after')).toBe('20')
    expect((second.error as { error: { type: string } }).error.type).toBe('rate_limit_error')
    expect(r.hits()).toEqual([1, 1])
  })
})

describe('every 429 carries Retry-After', () => {
  test('an upstream 429 without Retry-After, the other backend at its window: the client still gets one', async () => {
    const r = await rig([{ handler: fails(429, 'slow down'), toml: 'cooldown = 7' }, { handler: answers('from b:model-b'), toml: 'max_per_minute = 1' }])
    expect(await served(r)).toBe('b:model-b') // a:model-a answers 429 and cools down; b serves and fills its minute
    r.clock.ms += 8_000
    const refused = (await r.anthropic().messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((thrown: unknown) => thrown)) as InstanceType<typeof Anthropic.APIError>
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError)
    expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThan(0)
    expect(r.hits()).toEqual([2, 1])
  })
})

describe('rate windows', () => {
  test('max_per_minute = 2 → the third request in the minute goes to the next backend; a minute later the first again', async () => {
    const r = await rig([{ handler: answers('from a:model-a'), toml: 'max_per_minute = 2' }, { handler: answers('from b:model-b') }])
    expect([await served(r), await served(r), await served(r)]).toEqual(['a:model-a', 'a:model-a', 'b:model-b'])
    r.clock.ms += 60_000
    expect(await served(r)).toBe('a:model-a')
  })

  test('routing = "weighted" with a seeded random spreads 40 requests over both backends', async () => {
    const r = await rig([{ handler: answers('from a:model-a') }, { handler: answers('from b:model-b'), toml: 'weight = 2' }], { top: 'routing = "weighted"', random: seededRandom(7) })
    for (let i = 0; i < 40; i++) await served(r)
    const [a, b] = r.hits()
    expect(a + b).toBe(40)
    expect(a).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(a)
  })
})

describe('choosing', () => {
  test('a model that names a backend exactly (provider:model) is tried first', async () => {
    const r = await rig([{ handler: answers('from a:model-a') }, { handler: answers('from b:model-b') }])
    const { response } = await ask(r, { model: 'b:model-b' })
    expect(response.headers.get('x-llmux-backend')).toBe('b:model-b')
    expect(r.hits()).toEqual([0, 1])
  })

  test('model_match sends a model to the backends whose globs match it', async () => {
    const r = await rig([{ handler: answers('from a:model-a'), toml: 'model_match = ["claude-*"]' }, { handler: answers('from b:model-b'), toml: 'model_match = ["gpt-*"]' }])
    expect(await served(r)).toBe('b:model-b')
    const { response } = await ask(r, { model: 'Claude-Haiku' })
    expect(response.headers.get('x-llmux-backend')).toBe('a:model-a')
  })

  test('a fallback backend serves only when no other can', async () => {
    const r = await rig([{ handler: answers('from a:model-a'), toml: 'fallback = true' }, { handler: failsFirst(1, fails(503, 'b down'), answers('from b:model-b')) }])
    expect(await served(r)).toBe('a:model-a')
    r.clock.ms += 61_000
    expect(await served(r)).toBe('b:model-b')
    expect(r.hits()).toEqual([1, 2])
  })
})

describe('key edits per backend', () => {
  test('each attempt gets its own backend\'s key_rename, key_delete and key_add', async () => {
    const r = await rig([
      { handler: fails(500, 'a broke'), toml: 'key_rename = { max_tokens = "max_completion_tokens" }\nkey_delete = ["temperature"]\nkey_add = { service_tier = "flex" }' },
      { handler: answers('from b:model-b'), toml: 'key_delete = "seed"\nkey_add = { user = "llmux-b", "metadata.team" = "b" }' },
    ])
    await ask(r, { max_tokens: 50, temperature: 0.3, seed: 7, metadata: { app: 'test' } })
    const sentToA = r.upstreams[0]!.seen[0].body
    expect(sentToA).toMatchObject({ model: 'model-a', max_completion_tokens: 50, seed: 7, service_tier: 'flex', metadata: { app: 'test' } })
    expect(sentToA).not.toHaveProperty('max_tokens')
    expect(sentToA).not.toHaveProperty('temperature')
    const sentToB = r.upstreams[1]!.seen[0].body
    expect(sentToB).toMatchObject({ model: 'model-b', max_tokens: 50, temperature: 0.3, user: 'llmux-b', metadata: { app: 'test', team: 'b' } })
    expect(sentToB).not.toHaveProperty('seed')
    expect(sentToB).not.toHaveProperty('service_tier')
    expect(sentToB).not.toHaveProperty('max_completion_tokens')
  })
})

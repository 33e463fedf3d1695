import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { anthropicEvents, anthropicMessage, openaiCompletion, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { defaultResponsesHandler } from '../helpers/responses-mock.ts'
import { rigsPerTest, type Rig, type RigBackend } from '../helpers/start-rig.ts'

/**
 * SPEC §8 answer cache, through a real gateway and the official SDKs: an identical request within `ttl`
 * is answered from the store (streamed or not as asked, in the client's protocol) without reaching the
 * upstream, costs nothing and is logged as a cache hit.
 */
const rig = rigsPerTest()

const PRICES = 'price_input = 2\nprice_output = 10'
const CACHE = '[cache]\nttl = 60\n'
const TEXT = 'Hello there, friend'

const openaiUpstream: MockHandler = (request) =>
  request.body.stream ? sseResponse(openaiStreamChunks(['Hello', ' there,', ' friend'], { usage: true })) : Response.json(openaiCompletion(TEXT))

const anthropicUpstream: MockHandler = (request) => {
  if (!request.body.stream) return Response.json(anthropicMessage([{ type: 'text', text: TEXT }]))
  return sseResponse(
    anthropicEvents([
      ['message_start', { type: 'message_start', message: { ...anthropicMessage([]), usage: { input_tokens: 21, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello there,' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' friend' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } }],
      ['message_stop', { type: 'message_stop' }],
    ]),
  )
}

const upstreams: Record<'openai' | 'anthropic' | 'responses', RigBackend> = {
  openai: { type: 'openai', handler: openaiUpstream },
  anthropic: { type: 'anthropic', handler: anthropicUpstream },
  responses: { type: 'responses', handler: defaultResponsesHandler },
}

type Client = 'openai' | 'anthropic' | 'responses'

interface Answer {
  text: string
  cache: string | null
  attempts: string | null
  backend: string | null
}

/** One request through the client's official SDK; the answer's text and llmux headers. */
async function ask(r: Rig, client: Client, isStreaming: boolean, prompt = 'say hello'): Promise<Answer> {
  const answer = (text: string, response: Response): Answer => ({
    text,
    cache: response.headers.get('x-llmux-cache'),
    attempts: response.headers.get('x-llmux-attempts'),
    backend: response.headers.get('x-llmux-backend'),
  })
  if (client === 'openai') {
    const messages = [{ role: 'user' as const, content: prompt }]
    if (!isStreaming) {
      const { data, response } = await r.openai().chat.completions.create({ model: 'any', messages }).withResponse()
      return answer(data.choices[0].message.content ?? '', response)
    }
    const { data, response } = await r.openai().chat.completions.create({ model: 'any', messages, stream: true }).withResponse()
    let text = ''
    for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? ''
    return answer(text, response)
  }
  if (client === 'anthropic') {
    const body = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user' as const, content: prompt }] }
    if (!isStreaming) {
      const { data, response } = await r.anthropic().messages.create(body).withResponse()
      return answer(data.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), response)
    }
    const { data, response } = await r.anthropic().messages.create({ ...body, stream: true }).withResponse()
    let text = ''
    for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text
    return answer(text, response)
  }
  if (!isStreaming) {
    const { data, response } = await r.openai().responses.create({ model: 'any', input: prompt }).withResponse()
    return answer(data.output_text, response)
  }
  const { data, response } = await r.openai().responses.create({ model: 'any', input: prompt, stream: true }).withResponse()
  let text = ''
  for await (const event of data) if (event.type === 'response.output_text.delta') text += event.delta
  return answer(text, response)
}

/** Waits until `count` requests have been finished (their completion lines logged, the cache filled before). */
async function finished(r: Rig, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const lines = r.logger.lines.filter((line) => /^#\d+ → /.test(line))
    if (lines.length >= count) return lines
    await Bun.sleep(5)
  }
  throw new Error(`only ${r.logger.lines.filter((line) => /^#\d+ → /.test(line)).length} of ${count} requests finished`)
}

const pairs: [Client, keyof typeof upstreams][] = [
  ['openai', 'openai'],
  ['openai', 'anthropic'],
  ['anthropic', 'anthropic'],
  ['anthropic', 'openai'],
  ['responses', 'responses'],
  ['responses', 'openai'],
]

describe.each(pairs)('a %s client on a %s backend', (client, backendType) => {
  test.each([
    ['whole, then streamed', false],
    ['streamed, then whole', true],
  ])('a miss, then hits %s: the upstream sees one request, the hits cost nothing', async (_name, isFirstStreamed) => {
    const r = await rig([{ ...upstreams[backendType], toml: PRICES }], { tail: CACHE })
    const first = await ask(r, client, isFirstStreamed)
    expect(first.text.length).toBeGreaterThan(0)
    expect(first.cache).toBe('miss')
    await finished(r, 1)
    const second = await ask(r, client, !isFirstStreamed)
    const third = await ask(r, client, isFirstStreamed)
    expect(r.hits()).toEqual([1])
    for (const hit of [second, third]) {
      expect(hit).toEqual({ text: first.text, cache: 'hit', attempts: '0', backend: r.ids[0] })
    }
    const lines = await finished(r, 3)
    expect(lines.filter((line) => line.includes(' cache-hit')).length).toBe(2)
    const [row] = await r.gateway.gateway.store.usage({ sinceMs: 0, groupBy: 'backend' })
    const [firstOnly] = lines
    expect(row.requests).toBe(3)
    // Only the miss was charged: the total is the first request's cost.
    expect(firstOnly).toContain('$')
    expect(row.costUsd).toBeCloseTo(Number(firstOnly.match(/\$([\d.]+)/)![1]), 6)
    expect(row.costUsd).toBeGreaterThan(0)
  })
})

describe('answer cache limits', () => {
  test('after ttl the answer is asked again', async () => {
    const r = await rig([upstreams.openai], { tail: CACHE })
    await ask(r, 'openai', false)
    await finished(r, 1)
    r.clock.ms += 59_000
    expect((await ask(r, 'openai', false)).cache).toBe('hit')
    r.clock.ms += 2_000
    expect((await ask(r, 'openai', false)).cache).toBe('miss')
    expect(r.hits()).toEqual([2])
  })

  test('a different body is a different answer; `stream_options` does not count', async () => {
    const r = await rig([upstreams.openai], { tail: CACHE })
    await ask(r, 'openai', true)
    await finished(r, 1)
    expect((await ask(r, 'openai', true, 'say goodbye')).cache).toBe('miss')
    await finished(r, 2)
    const withOptions = await fetch(`${r.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'say hello' }], stream: true, stream_options: { include_usage: true } }),
    })
    expect(withOptions.headers.get('x-llmux-cache')).toBe('hit')
    const text = await withOptions.text()
    expect(text).toContain('"usage"')
    expect(text.trim().endsWith('data: [DONE]')).toBe(true)
    expect(r.hits()).toEqual([2])
  })

  test('a backend with cache = false is never served from the cache', async () => {
    const r = await rig([{ ...upstreams.openai, toml: 'cache = false' }], { tail: CACHE })
    for (const isStreaming of [false, false, true, true]) {
      expect((await ask(r, 'openai', isStreaming)).cache).toBeNull()
      await Bun.sleep(5)
    }
    expect(r.hits()).toEqual([4])
  })

  test('without a [cache] table nothing is cached and no header says so', async () => {
    const r = await rig([upstreams.anthropic])
    for (const isStreaming of [false, false, true, true]) expect((await ask(r, 'anthropic', isStreaming)).cache).toBeNull()
    expect(r.hits()).toEqual([4])
  })

  test('a stream cut short is not cached', async () => {
    const chunks = openaiStreamChunks(['Hello', ' there'], { usage: true })
    // The first answer breaks off after two chunks (no finish, no [DONE]); later ones are whole.
    const r = await rig([{ handler: (_request, index) => sseResponse(index === 0 ? chunks.slice(0, 2) : chunks) }], { tail: CACHE })
    await ask(r, 'openai', true).catch(() => undefined)
    const [cut] = await finished(r, 1)
    expect(cut).toContain('cut-short')
    expect((await ask(r, 'openai', true)).cache).toBe('miss')
    await finished(r, 2)
    expect((await ask(r, 'openai', false)).cache).toBe('hit')
    expect(r.hits()).toEqual([2])
  })

  test('an error is not cached', async () => {
    const r = await rig([{ handler: (_request, index) => (index === 0 ? Response.json({ error: { message: 'bad' } }, { status: 400 }) : Response.json(openaiCompletion(TEXT))) }], { tail: CACHE })
    await expect(ask(r, 'openai', false)).rejects.toThrow()
    expect((await ask(r, 'openai', false)).cache).toBe('miss')
    await finished(r, 2)
    expect((await ask(r, 'openai', false)).cache).toBe('hit')
    expect(r.hits()).toEqual([2])
  })
})

describe('answers with more than text, and where they are kept', () => {
  const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a.txt' } }
  const thinking = { type: 'thinking', thinking: 'The user wants a file.', signature: 'sig-abc' }
  const toolUpstream: MockHandler = () =>
    Response.json(anthropicMessage([thinking, { type: 'text', text: 'Reading it.' }, toolUse], { stop_reason: 'tool_use' }))
  const tools = [{ type: 'function' as const, function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }]

  test('a tool call from an Anthropic backend replays to a Chat Completions client, whole and streamed', async () => {
    const r = await rig([{ type: 'anthropic', handler: toolUpstream, toml: 'thinking = true' }], { tail: CACHE })
    const body = { model: 'any', messages: [{ role: 'user' as const, content: 'read a.txt' }], tools }
    const first = await r.openai().chat.completions.create(body)
    await finished(r, 1)
    const { data: again, response } = await r.openai().chat.completions.create(body).withResponse()
    expect(response.headers.get('x-llmux-cache')).toBe('hit')
    expect(again.choices[0]).toEqual(first.choices[0])
    expect(again.choices[0].finish_reason).toBe('tool_calls')
    const stream = await r.openai().chat.completions.create({ ...body, stream: true })
    let args = ''
    let name = ''
    let finish: string | null = null
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta?.tool_calls?.[0]
      name += call?.function?.name ?? ''
      args += call?.function?.arguments ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect({ name, args: JSON.parse(args), finish }).toEqual({ name: 'read_file', args: { path: 'a.txt' }, finish: 'tool_calls' })
    expect(r.hits()).toEqual([1])
  })

  test('thinking and its signature replay to an Anthropic client as a stream', async () => {
    const r = await rig([{ type: 'anthropic', handler: toolUpstream, toml: 'thinking = true' }], { tail: CACHE })
    const body = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user' as const, content: 'read a.txt' }] }
    const first = await r.anthropic().messages.create(body)
    await finished(r, 1)
    const replayed = await r.anthropic().messages.stream(body).finalMessage()
    expect(replayed.content as unknown).toEqual(first.content)
    expect(replayed.stop_reason).toBe('tool_use')
    expect(r.hits()).toEqual([1])
  })

  test('after a failover the answer is kept for the backend that gave it, and served while the first cools down', async () => {
    const failing: MockHandler = () => Response.json({ error: { message: 'overloaded' } }, { status: 503 })
    const r = await rig([{ handler: failing }, upstreams.openai], { tail: CACHE })
    expect((await ask(r, 'openai', false)).backend).toBe(r.ids[1])
    await finished(r, 1)
    expect(await ask(r, 'openai', true)).toMatchObject({ cache: 'hit', backend: r.ids[1] })
    expect(r.hits()).toEqual([1, 1])
  })

  test('a SQLite store keeps answers across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmux-answer-cache-'))
    try {
      const r = await rig([upstreams.openai], { top: `store = "${join(dir, 'llmux.db')}"`, tail: CACHE })
      await ask(r, 'openai', false)
      await finished(r, 1)
      await r.restart()
      expect((await ask(r, 'openai', true)).cache).toBe('hit')
      expect(r.hits()).toEqual([1])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

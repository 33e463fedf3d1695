import { describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { manualSse, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { type Rig, rigsPerTest } from '../helpers/start-rig.ts'

/** SPEC §6 for streams and for clients that go away: fail over only while the client has seen nothing. */
const rig = rigsPerTest()

const streams = (words: string[]): MockHandler => () => sseResponse(openaiStreamChunks(words, { usage: true }))
const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`
/** A 200 event stream whose body breaks before its first event. */
const breaksAtOnce: MockHandler = () =>
  new Response(new ReadableStream({ pull: (controller) => controller.error(new Error('gone')) }), { headers: { 'content-type': 'text/event-stream' } })

async function streamText(rig: Rig, signal?: AbortSignal) {
  const { data, response } = await rig
    .openai()
    .chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { signal })
    .withResponse()
  let text = ''
  for await (const part of data) text += part.choices[0]?.delta.content ?? ''
  return { text, response }
}

describe('streams', () => {
  test('an upstream stream that breaks before its first event fails over: one clean stream from the second', async () => {
    const r = await rig([{ handler: breaksAtOnce }, { handler: streams(['Hello', ' from', ' b']) }])
    const { text, response } = await streamText(r)
    expect(text).toBe('Hello from b')
    expect(response.headers.get('x-llmux-backend')).toBe('b:model-b')
    expect(response.headers.get('x-llmux-attempts')).toBe('2')
    expect(r.hits()).toEqual([1, 1])
  })

  test('an upstream whose first event is an error fails over too', async () => {
    const errorFirst: MockHandler = () => sseResponse([`data: ${JSON.stringify({ error: { message: 'overloaded right now', type: 'server_error' } })}\n\n`])
    const r = await rig([{ handler: errorFirst }, { handler: streams(['ok']) }])
    expect((await streamText(r)).text).toBe('ok')
    expect(r.hits()).toEqual([1, 1])
  })

  test('the Anthropic SDK gets one clean translated stream from the second backend', async () => {
    const r = await rig([{ handler: breaksAtOnce }, { handler: streams(['Hi', ' there']) }])
    const message = await r.anthropic().messages.stream({ model: 'claude-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()
    expect(message.content).toEqual([{ type: 'text', text: 'Hi there' }] as never)
    expect(r.hits()).toEqual([1, 1])
  })

  test('a stream that dies after some events ends with exactly one error event, and no second answer', async () => {
    let upstream: ReturnType<typeof manualSse> | undefined
    const dies: MockHandler = () => {
      upstream = manualSse()
      upstream.push(chunk('partial '))
      return upstream.response
    }
    const r = await rig([{ handler: dies }, { handler: streams(['second', ' answer']) }])
    const response = await fetch(`${r.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!text.includes('partial ')) text += decoder.decode((await reader.read()).value)
    upstream!.fail()
    for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value)
    const events = text.trim().split('\n\n')
    expect(events.at(-1)).toStartWith('data: {"error":')
    expect(events.filter((event) => event.includes('"error"'))).toHaveLength(1)
    expect(text).not.toContain('second')
    expect(text).not.toContain('[DONE]')
    expect(r.hits()).toEqual([1, 0])
    expect(await r.logger.waitFor(/→ 200 a:model-a/)).toContain('cut-short')
  })

  test('a stream that sends headers but no first event within request_timeout fails over', async () => {
    const silent: MockHandler = () => manualSse().response
    const r = await rig([{ handler: silent }, { handler: streams(['in', ' time']) }], { top: 'request_timeout = 1' })
    const { text, response } = await streamText(r)
    expect(text).toBe('in time')
    expect(response.headers.get('x-llmux-attempts')).toBe('2')
    expect(r.logger.lines.some((line) => line.startsWith('failover timeout: switching to b:model-b'))).toBe(true)
  })
})

/**
 * An upstream (its own server: the test needs the request's abort signal) that tells the test when a
 * request arrives and when llmux gives up on it. Non-streamed requests are never answered; streamed
 * ones get one event and then silence.
 */
function watchedUpstream() {
  let arrived!: () => void
  let aborted!: (how: string) => void
  const watch = { arrived: new Promise<void>((resolve) => (arrived = resolve)), aborted: new Promise<string>((resolve) => (aborted = resolve)) }
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      request.signal.addEventListener('abort', () => aborted('request.signal'))
      const body = (await request.json()) as { stream?: boolean }
      arrived()
      if (body.stream !== true) return new Promise<Response>(() => {})
      const stream = new ReadableStream<string>({
        start: (controller) => controller.enqueue(chunk('thinking...')),
        cancel: () => aborted('body cancelled'),
      })
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, watch, stop: () => server.stop(true) }
}

describe('a client that goes away', () => {
  for (const isStream of [false, true]) {
    test(`OpenAI SDK, ${isStream ? 'streamed' : 'non-streamed'}: the upstream request is aborted and nothing fails over`, async () => {
      const upstream = watchedUpstream()
      const r = await rig([{ url: upstream.url }, { handler: streams(['never']) }])
      const controller = new AbortController()
      const answer = r.openai().chat.completions.create({ model: 'gpt-test', stream: isStream, messages: [{ role: 'user', content: 'hi' }] }, { signal: controller.signal })
      if (isStream) {
        // Read by hand: leaving a for-await loop would close the connection before abort() does.
        const parts = ((await answer) as AsyncIterable<OpenAI.ChatCompletionChunk>)[Symbol.asyncIterator]()
        while (!(await parts.next()).value?.choices[0]?.delta.content);
      } else {
        await upstream.watch.arrived
      }
      controller.abort()
      if (!isStream) expect(await answer.then(() => 'answered', (error: unknown) => error)).toBeInstanceOf(OpenAI.APIUserAbortError)
      // Never settles (and the test times out) unless llmux aborts its upstream request.
      await upstream.watch.aborted
      await r.logger.waitFor(isStream ? /→ 200 a:model-a .*cut-short/ : /→ 499 a:model-a .*client went away/)
      // The second upstream never hears of it.
      expect(r.hits()[1]).toBe(0)
      await upstream.stop()
    })
  }

  for (const isStream of [false, true]) {
    test(`Anthropic SDK (translated), ${isStream ? 'streamed' : 'non-streamed'}: the upstream request is aborted and nothing fails over`, async () => {
      const upstream = watchedUpstream()
      const r = await rig([{ url: upstream.url }, { handler: streams(['never']) }])
      const controller = new AbortController()
      const params = { model: 'claude-test', max_tokens: 20, messages: [{ role: 'user' as const, content: 'hi' }] }
      if (isStream) {
        const stream = await r.anthropic().messages.create({ ...params, stream: true }, { signal: controller.signal })
        const events = stream[Symbol.asyncIterator]()
        while ((await events.next()).value?.type !== 'content_block_delta');
      } else {
        const answer = r.anthropic().messages.create(params, { signal: controller.signal })
        await upstream.watch.arrived
        controller.abort()
        expect(await answer.then(() => 'answered', (error: unknown) => error)).toBeInstanceOf(Anthropic.APIUserAbortError)
      }
      controller.abort()
      await upstream.watch.aborted
      await r.logger.waitFor(/→ \d+ a:model-a .*cut-short/)
      expect(r.hits()[1]).toBe(0)
      await upstream.stop()
    })
  }
})

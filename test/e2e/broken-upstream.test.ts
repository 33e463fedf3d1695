import { describe, expect, test } from 'bun:test'
import { anthropicEvents, manualSse, openaiCompletion, openaiStreamChunks, sseResponse } from '../helpers/mock-upstream.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * Broken upstream answers never reach a same-protocol client as success (issue 12, item 1): a 200 whose
 * JSON is cut short fails over (nothing has reached the client yet); a stream with an event that is not
 * JSON ends with the protocol's error event, never with a clean [DONE] / message_stop.
 */
const rig = rigsPerTest()
const cutBody = () => new Response(JSON.stringify(openaiCompletion('hello')).slice(0, 60), { headers: { 'content-type': 'application/json' } })
const post = (url: string, path: string, body: Record<string, unknown>) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const chatBody = (stream = false) => ({ model: 'any', stream, messages: [{ role: 'user', content: 'hi' }] })

describe('a 200 whose body is cut short', () => {
  test('fails over to the next backend', async () => {
    const { url, hits } = await rig([{ handler: cutBody }, { handler: () => Response.json(openaiCompletion('from b')) }])
    const answer = await post(url, '/v1/chat/completions', chatBody())
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('from b')
    expect(hits()).toEqual([1, 1])
  })

  test('with no other backend: a 502 in the caller\'s protocol, not the broken body', async () => {
    const { url } = await rig([{ handler: cutBody }])
    const answer = await post(url, '/v1/chat/completions', chatBody())
    expect(answer.status).toBe(502)
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('not JSON')
  })
})

describe('a stream with an event that is not JSON', () => {
  test('OpenAI passthrough, after the start: one error line, no [DONE]', async () => {
    const [first, ...rest] = openaiStreamChunks(['Hel', 'lo'], { usage: true })
    const upstream = manualSse()
    const { url } = await rig([{ handler: () => upstream.response }])
    upstream.push(first)
    const answer = await post(url, '/v1/chat/completions', chatBody(true))
    expect(answer.status).toBe(200)
    const reader = answer.body!.getReader()
    let text = new TextDecoder().decode((await reader.read()).value)
    upstream.push('data: {"choices":[{"delta":{"content":"garb\n\n')
    upstream.push(rest.join(''))
    upstream.close()
    for (let read = await reader.read(); !read.done; read = await reader.read()) text += new TextDecoder().decode(read.value)
    expect(text).toContain('"role":"assistant"')
    expect(text).not.toContain('[DONE]')
    expect(text).not.toContain('garb')
    const last = text.trim().split('\n\n').at(-1)!
    expect(JSON.parse(last.replace(/^data: /, '')).error.code).toBe('bad_gateway')
  })

  test('OpenAI passthrough cut inside an event: whole events, then one error line, never half an event glued to it', async () => {
    const upstream = manualSse()
    const { url } = await rig([{ handler: () => upstream.response }])
    const [first, second] = openaiStreamChunks(['Hel', 'lo'])
    upstream.push(first)
    const answer = await post(url, '/v1/chat/completions', chatBody(true))
    const reader = answer.body!.getReader()
    let text = new TextDecoder().decode((await reader.read()).value)
    upstream.push(second.slice(0, 40)) // half of the next event, then the connection ends
    upstream.close()
    for (let read = await reader.read(); !read.done; read = await reader.read()) text += new TextDecoder().decode(read.value)
    const events = text.split('\n\n').filter((event) => event !== '')
    for (const event of events) expect(() => JSON.parse(event.replace(/^data: /, ''))).not.toThrow()
    expect(JSON.parse(events.at(-1)!.replace(/^data: /, '')).error.code).toBe('bad_gateway')
    expect(text).not.toContain('[DONE]')
  })

  test('a garbled first event fails over before anything reached the client', async () => {
    const { url, hits } = await rig([{ handler: () => sseResponse(['data: <html>oops</html>\n\n']) }, { handler: () => sseResponse(openaiStreamChunks(['ok'])) }])
    const text = await (await post(url, '/v1/chat/completions', chatBody(true))).text()
    expect(text).toContain('"content":"ok"')
    expect(text).toContain('[DONE]')
    expect(hits()).toEqual([1, 1])
  })

  test('Anthropic passthrough: one error event, no message_stop', async () => {
    const start = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'c', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } }
    const events = anthropicEvents([['message_start', start], ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }]])
    const upstream = manualSse()
    const { url } = await rig([{ type: 'anthropic', handler: () => upstream.response }])
    upstream.push(events.join(''))
    const answer = await post(url, '/v1/messages', { model: 'c', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] })
    expect(answer.status).toBe(200)
    const reader = answer.body!.getReader()
    let text = new TextDecoder().decode((await reader.read()).value)
    // The client has the start: now the upstream garbles an event, then claims a clean end.
    upstream.push('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"te\n\n')
    upstream.push(anthropicEvents([['message_stop', { type: 'message_stop' }]]).join(''))
    upstream.close()
    for (let read = await reader.read(); !read.done; read = await reader.read()) text += new TextDecoder().decode(read.value)
    expect(text).toContain('message_start')
    expect(text).not.toContain('message_stop')
    expect(text.trim().split('\n\n').at(-1)).toStartWith('event: error')
  })
})

import { afterEach, describe, expect, test } from 'bun:test'
import { anthropicEvents, lastUserText, manualSse, type SeenRequest } from '../helpers/mock-upstream.ts'
import { rigsPerTest, type Rig } from '../helpers/start-rig.ts'

/**
 * Drain (SPEC §13, issue 12 item 8): `stop(graceMs)` lets streams in flight finish up to the bound; a
 * stream still open then ends with one error event in its client's protocol and a clean end of body.
 */
const rig = rigsPerTest()

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/** Upstream streams the test drives: "endless" ones tick every 20 ms (bounded) and never finish. */
const driven: ReturnType<typeof manualSse>[] = []
const timers: ReturnType<typeof setInterval>[] = []
afterEach(() => {
  for (const timer of timers.splice(0)) clearInterval(timer)
  for (const stream of driven.splice(0)) {
    try {
      stream.close()
    } catch {
      // llmux aborted it already.
    }
  }
})

function upstream(request: SeenRequest): Response {
  const stream = manualSse()
  driven.push(stream)
  stream.push(chunk({ role: 'assistant', content: 'first' }))
  if (lastUserText(request) === 'endless') {
    let ticks = 0
    const timer = setInterval(() => {
      try {
        if (++ticks <= 500) stream.push(chunk({ content: ' more' }))
      } catch {
        clearInterval(timer)
      }
    }, 20)
    timers.push(timer)
  }
  return stream.response
}

/** An Anthropic upstream that starts a message and then sends a delta every 20 ms (bounded), never ending. */
function endlessAnthropic(): Response {
  const stream = manualSse()
  driven.push(stream)
  const start = anthropicEvents([
    ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 0 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ])
  stream.push(start.join(''))
  let ticks = 0
  const timer = setInterval(() => {
    try {
      if (++ticks <= 500) stream.push(anthropicEvents([['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' more' } }]])[0])
    } catch {
      clearInterval(timer)
    }
  }, 20)
  timers.push(timer)
  return stream.response
}

type Door = { name: string; path: string; body: (text: string) => Record<string, unknown> }
const doors: Door[] = [
  { name: 'anthropic', path: '/v1/messages', body: (text) => ({ model: 'x', max_tokens: 100, stream: true, messages: [{ role: 'user', content: text }] }) },
  { name: 'openai chat', path: '/v1/chat/completions', body: (text) => ({ model: 'x', stream: true, messages: [{ role: 'user', content: text }] }) },
  { name: 'responses', path: '/v1/responses', body: (text) => ({ model: 'x', stream: true, input: text }) },
]

const open = (r: Rig, door: Door, text: string) => fetch(`${r.url}${door.path}`, { method: 'POST', body: JSON.stringify(door.body(text)) })

/** What the tests read from a response body. */
interface Reader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>
}

/** The client got its stream's first part: it is in flight on llmux's side. */
async function firstText(reader: Reader): Promise<string> {
  const { value } = await reader.read()
  return new TextDecoder().decode(value)
}

async function readRest(reader: Reader, head: string): Promise<string> {
  const decoder = new TextDecoder()
  let text = head
  for (let reads = 0; reads < 10_000; reads++) {
    const { done, value } = await reader.read()
    if (done) return text
    text += decoder.decode(value, { stream: true })
  }
  throw new Error('stream did not end within 10,000 reads')
}

function expectShutdownEnd(door: Door, text: string): void {
  expect(text).toContain('shutting down')
  if (door.name === 'anthropic') {
    const events = text.trim().split('\n\n').map((event) => event.split('\n')[0])
    expect(events.filter((event) => event === 'event: error')).toHaveLength(1)
    expect(events.at(-1)).toBe('event: error')
    expect(text).not.toContain('message_stop')
  } else if (door.name === 'openai chat') {
    const lines = text.split('\n').filter((line) => line.startsWith('data: '))
    expect(lines.filter((line) => line.includes('"error"'))).toHaveLength(1)
    expect(lines.at(-1)).toContain('"error"')
    expect(text).not.toContain('[DONE]')
  } else {
    const events = text.trim().split('\n\n').map((event) => event.split('\n')[0])
    expect(events.filter((event) => event === 'event: response.failed')).toHaveLength(1)
    expect(events.at(-1)).toBe('event: response.failed')
    expect(text).not.toContain('response.completed')
  }
}

function expectNormalEnd(door: Door, text: string): void {
  expect(text).not.toContain('shutting down')
  if (door.name === 'anthropic') expect(text).toContain('event: message_stop')
  else if (door.name === 'openai chat') expect(text.trim().endsWith('data: [DONE]')).toBe(true)
  else expect(text).toContain('event: response.completed')
}

describe('drain', () => {
  test.each(doors)('$name: a stream still open at the bound ends with one error event and a clean close', async (door) => {
    const r = await rig([{ handler: upstream }])
    const response = await open(r, door, 'endless')
    const reader = response.body!.getReader()
    const head = await firstText(reader)
    const stopped = r.gateway.stop(200)
    const text = await readRest(reader, head)
    await stopped
    expect(text).toContain('more')
    expectShutdownEnd(door, text)
    expect(r.logger.lines.some((line) => /drain: ending 1 open stream/.test(line))).toBe(true)
  })

  test.each(doors)('$name: a short stream in flight when stop begins finishes normally', async (door) => {
    const r = await rig([{ handler: upstream }])
    const response = await open(r, door, 'short')
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const head = await firstText(reader)
    const stopped = r.gateway.stop(2000)
    // Finish the upstream after stop began: the client still gets the whole answer.
    const stream = driven.at(-1)!
    stream.push(chunk({ content: ' last' }))
    stream.push(chunk({}, 'stop'))
    stream.push('data: [DONE]\n\n')
    stream.close()
    const text = await readRest(reader, head)
    await stopped
    expect(text).toContain('last')
    expectNormalEnd(door, text)
    expect(r.logger.lines.some((line) => /drain: ending/.test(line))).toBe(false)
  })

  test('all three doors at once: every open stream ends with its own error event', async () => {
    const r = await rig([{ handler: upstream }])
    const responses = await Promise.all(doors.map((door) => open(r, door, 'endless')))
    const readers = responses.map((response) => response.body!.getReader())
    const heads = await Promise.all(readers.map(firstText))
    const stopped = r.gateway.stop(200)
    const texts = await Promise.all(readers.map((reader, index) => readRest(reader, heads[index])))
    await stopped
    doors.forEach((door, index) => expectShutdownEnd(door, texts[index]))
  })

  test('anthropic passthrough (Anthropic client and backend): one error event at the bound', async () => {
    const r = await rig([{ handler: endlessAnthropic, type: 'anthropic' }])
    const response = await open(r, doors[0], 'endless')
    const reader = response.body!.getReader()
    const head = await firstText(reader)
    const stopped = r.gateway.stop(200)
    const text = await readRest(reader, head)
    await stopped
    expect(text).toContain('more')
    expectShutdownEnd(doors[0], text)
  })

  test('new connections are refused once stop has begun', async () => {
    const r = await rig([{ handler: upstream }])
    const response = await open(r, doors[1], 'endless')
    const reader = response.body!.getReader()
    const head = await firstText(reader)
    const stopped = r.gateway.stop(300)
    await expect(fetch(`${r.url}/health`)).rejects.toThrow()
    expectShutdownEnd(doors[1], await readRest(reader, head))
    await stopped
  })
})

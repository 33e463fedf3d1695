import { expect, test } from 'bun:test'
import { anthropicEvents, openaiCompletion, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { pick, seededRandom } from '../helpers/seeded-random.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * A bounded fault soak (issue 12): three backends, two of which answer about a quarter of their
 * requests with a fault (429/500/503/529, an empty answer, a body or stream cut short, a garbled event, a slow
 * first byte). All three doors, half the requests streamed, 32 at a time, fixed seed. Every request gets
 * exactly one well-formed outcome in its own protocol: a complete answer, or one error (a stream ends
 * with exactly one terminal event); attempts stay within max_retries; every request has its usage row.
 */
const rig = rigsPerTest()
const REQUESTS = 1200
const CONCURRENCY = 32

type Fault = 'ok' | '429' | '500' | '503' | '529' | 'empty' | 'cut-body' | 'cut-stream' | 'cut-mid-event' | 'garbled' | 'slow'
const FAULTS: Fault[] = ['429', '500', '503', '529', 'empty', 'cut-body', 'cut-stream', 'cut-mid-event', 'garbled', 'slow']

function faultyOpenAI(random: () => number, faultRate: number): MockHandler {
  return async (request) => {
    const fault: Fault = random() < faultRate ? pick(random, FAULTS) : 'ok'
    const isStream = request.body.stream === true
    switch (fault) {
      case '429':
        return Response.json({ error: { message: 'rate limited', type: 'rate_limit_error' } }, { status: 429, headers: { 'retry-after': '0' } })
      case '500':
      case '503':
      case '529':
        return Response.json({ error: { message: `upstream ${fault}`, type: 'server_error' } }, { status: Number(fault) })
      case 'empty':
        return new Response('', { headers: { 'content-type': isStream ? 'text/event-stream' : 'application/json' } })
      case 'cut-body':
        return isStream ? sseResponse(openaiStreamChunks(['half']).slice(0, 2)) : new Response(JSON.stringify(openaiCompletion('hello')).slice(0, 50), { headers: { 'content-type': 'application/json' } })
      case 'cut-stream':
        return isStream ? sseResponse(openaiStreamChunks(['a', 'b', 'c']).slice(0, 3)) : Response.json(openaiCompletion('hello'))
      case 'cut-mid-event': {
        // Cut inside an event, after the first chunk has gone out: the half event must never reach the client.
        const text = openaiStreamChunks(['one', 'two', 'three']).join('')
        return isStream ? sseResponse([text.slice(0, text.indexOf('two') + 2)]) : Response.json(openaiCompletion('hello'))
      }
      case 'garbled':
        return isStream ? sseResponse([...openaiStreamChunks(['a']).slice(0, 1), 'data: {"choices":[{"delta":\n\n']) : new Response('<html>bad gateway</html>', { headers: { 'content-type': 'text/html' } })
      case 'slow':
        await Bun.sleep(5)
        break
    }
    return isStream ? sseResponse(openaiStreamChunks(['hello', ' world'], { usage: true })) : Response.json(openaiCompletion('hello world'))
  }
}

const reliable: MockHandler = (request) =>
  request.body.stream === true ? sseResponse(openaiStreamChunks(['fine'], { usage: true })) : Response.json(openaiCompletion('fine'))

type Door = 'anthropic' | 'openai' | 'responses'
const PATHS: Record<Door, string> = { anthropic: '/v1/messages', openai: '/v1/chat/completions', responses: '/v1/responses' }

function bodyFor(door: Door, isStream: boolean): Record<string, unknown> {
  if (door === 'anthropic') return { model: 'm', max_tokens: 50, stream: isStream, messages: [{ role: 'user', content: 'hi' }] }
  if (door === 'responses') return { model: 'm', stream: isStream, input: 'hi' }
  return { model: 'm', stream: isStream, messages: [{ role: 'user', content: 'hi' }] }
}

/** What one answer was, judged as its client would: complete, or one error in its protocol. */
function judge(door: Door, isStream: boolean, status: number, text: string): 'answer' | 'error' | 'malformed' {
  const isAnthropic = door === 'anthropic'
  if (!isStream || status !== 200) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>
      if (status !== 200) return (isAnthropic ? body.type === 'error' : typeof body.error === 'object') ? 'error' : 'malformed'
      const isAnswer = isAnthropic ? body.type === 'message' : door === 'responses' ? body.object === 'response' : Array.isArray(body.choices)
      return isAnswer ? 'answer' : 'malformed'
    } catch {
      return 'malformed'
    }
  }
  if (door === 'responses') return judgeResponsesStream(text)
  const events = text.split('\n\n').filter((event) => event.trim() !== '')
  const dataOf = (event: string) => event.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? ''
  for (const event of events) {
    const data = dataOf(event)
    if (data !== '[DONE]') {
      try {
        JSON.parse(data)
      } catch {
        return 'malformed'
      }
    }
  }
  const last = events.at(-1) ?? ''
  if (isAnthropic) {
    const terminals = events.filter((event) => event.startsWith('event: message_stop') || event.startsWith('event: error'))
    if (terminals.length !== 1 || terminals[0] !== last) return 'malformed'
    return last.startsWith('event: message_stop') ? 'answer' : 'error'
  }
  const terminals = events.filter((event) => dataOf(event) === '[DONE]' || dataOf(event).startsWith('{"error"'))
  if (terminals.length !== 1 || terminals[0] !== last) return 'malformed'
  return dataOf(last) === '[DONE]' ? 'answer' : 'error'
}

function judgeResponsesStream(text: string): 'answer' | 'error' | 'malformed' {
  const types: string[] = []
  for (const event of text.split('\n\n').filter((part) => part.trim() !== '')) {
    const data = event.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? ''
    try {
      types.push((JSON.parse(data) as { type: string }).type)
    } catch {
      return 'malformed'
    }
  }
  const terminals = types.filter((type) => type === 'response.completed' || type === 'response.failed' || type === 'response.incomplete')
  if (types[0] !== 'response.created' || terminals.length !== 1 || terminals[0] !== types.at(-1)) return 'malformed'
  return terminals[0] === 'response.failed' ? 'error' : 'answer'
}

test(`${REQUESTS} requests through faulty upstreams: one well-formed outcome each, attempts within max_retries, a usage row each`, async () => {
  const random = seededRandom(20261203)
  const { url, gateway } = await rig(
    [{ handler: faultyOpenAI(seededRandom(1), 0.25) }, { handler: faultyOpenAI(seededRandom(2), 0.25) }, { handler: reliable }],
    { top: 'max_retries = 2\ncooldown = 0\nrouting = "weighted"', random: seededRandom(3) },
  )
  const outcomes = { answer: 0, error: 0, malformed: 0 }
  let maxAttempts = 0
  let next = 0
  const worker = async () => {
    while (next < REQUESTS) {
      next++
      const door = pick(random, ['anthropic', 'openai', 'responses'] as const)
      const isStream = random() < 0.5
      const answer = await fetch(`${url}${PATHS[door]}`, { method: 'POST', body: JSON.stringify(bodyFor(door, isStream)) })
      const text = await answer.text()
      maxAttempts = Math.max(maxAttempts, Number(answer.headers.get('x-llmux-attempts') ?? 0))
      const verdict = judge(door, isStream, answer.status, text)
      if (verdict === 'malformed') throw new Error(`malformed answer (${door}, stream ${isStream}, ${answer.status}): ${text.slice(-300)}`)
      outcomes[verdict]++
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  expect(outcomes.answer + outcomes.error).toBe(REQUESTS)
  expect(outcomes.answer).toBeGreaterThan(REQUESTS * 0.9)
  expect(maxAttempts).toBeLessThanOrEqual(3)
  const [row] = await gateway.gateway.store.usage({ sinceMs: 0, groupBy: 'day' })
  expect(row.requests).toBe(REQUESTS)
}, 60_000)

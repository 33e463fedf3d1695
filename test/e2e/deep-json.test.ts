import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RunningServer } from '../../src/server/start-server.ts'
import { anthropicMessage, openaiCompletion, startMockUpstream, type MockUpstream } from '../helpers/mock-upstream.ts'
import { memoryLogger, startGateway } from '../helpers/start-gateway.ts'
import { responsesBody } from '../helpers/responses-mock.ts'

// Issue 12 item 5: client input never produces a 5xx. A body nested 50,000 deep (which overflows the
// stack of a recursive walk: JSON.stringify, a decoder, the token estimate) is the caller's 400.
const DEPTH = 50_000

let openaiUp: MockUpstream
let anthropicUp: MockUpstream
let responsesUp: MockUpstream
let gateway: RunningServer
const logger = memoryLogger()

beforeAll(async () => {
  openaiUp = startMockUpstream(() => Response.json(openaiCompletion('ok')))
  anthropicUp = startMockUpstream(() => Response.json(anthropicMessage([{ type: 'text', text: 'ok' }])))
  responsesUp = startMockUpstream(() => Response.json(responsesBody({ text: 'ok' })))
  gateway = await startGateway(
    `
[provider.oa]
type = "openai"
base_url = "${openaiUp.url}/v1"
api_key = "sk-openai-secret"

[provider.an]
type = "anthropic"
base_url = "${anthropicUp.url}"
api_key = "sk-ant-secret"

[provider.rs]
type = "openai"
api = "responses"
base_url = "${responsesUp.url}/v1"
api_key = "sk-resp-secret"

[[backend]]
model = "oa:gpt"
model_match = ["gpt*"]
context = 100000000

[[backend]]
model = "an:claude"
model_match = ["claude*"]
context = 100000000

[[backend]]
model = "rs:resp"
model_match = ["resp*"]
context = 100000000
`,
    { logger },
  )
})
afterAll(async () => {
  await gateway.stop()
  await Promise.all([openaiUp.stop(), anthropicUp.stop(), responsesUp.stop()])
})

/** Raw JSON text nested `depth` deep: `[[[…]]]` or `{"a":{"a":…}}`, built as text (JSON.stringify would overflow). */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

type Door = { path: string; body: (model: string, deep: string, where: 'content' | 'tool') => string; isAnthropic: boolean }

const doors: Door[] = [
  {
    path: '/v1/messages',
    isAnthropic: true,
    body: (model, deep, where) =>
      where === 'content'
        ? `{"model":"${model}","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"t","input":{"x":${deep}}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}],"tools":[{"name":"t","input_schema":{"type":"object"}}]}`
        : `{"model":"${model}","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":{"type":"object","properties":{"x":${deep}}}}]}`,
  },
  {
    path: '/v1/chat/completions',
    isAnthropic: false,
    body: (model, deep, where) =>
      where === 'content'
        ? `{"model":"${model}","messages":[{"role":"user","content":[{"type":"text","text":"hi","extra":${deep}}]}]}`
        : `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"t","parameters":{"type":"object","properties":{"x":${deep}}}}}]}`,
  },
  {
    path: '/v1/responses',
    isAnthropic: false,
    body: (model, deep, where) =>
      where === 'content'
        ? `{"model":"${model}","input":[{"role":"user","content":[{"type":"input_text","text":"hi","extra":${deep}}]}]}`
        : `{"model":"${model}","input":"hi","tools":[{"type":"function","name":"t","parameters":{"type":"object","properties":{"x":${deep}}}}]}`,
  },
]

const models = ['gpt-x', 'claude-x', 'resp-x']
const protocolOf: Record<string, string> = { 'gpt-x': '/v1/chat/completions', 'claude-x': '/v1/messages', 'resp-x': '/v1/responses' }
/** The deep value sits in an unknown field of a content part: only same-protocol traffic carries it. */
const isDroppedInTranslation = (door: Door, model: string, where: 'content' | 'tool') =>
  where === 'content' && !door.isAnthropic && protocolOf[model] !== door.path
/**
 * Same-protocol traffic with the deep value in that unknown field: llmux walks none of it and only sets
 * `model` in the client's text, so the body reaches the upstream untouched and the upstream judges it.
 */
const isPassedUntouched = (door: Door, model: string, where: 'content' | 'tool') =>
  where === 'content' && !door.isAnthropic && protocolOf[model] === door.path
const upstreamOf = (model: string) => (model === 'gpt-x' ? openaiUp : model === 'claude-x' ? anthropicUp : responsesUp)

describe('a body nested 50,000 deep is a 400 in the caller protocol (or passes untouched to a same-protocol upstream), never a 5xx', () => {
  for (const door of doors) {
    for (const model of models) {
      for (const where of ['content', 'tool'] as const) {
        for (const [shape, deep] of [['arrays', deepArray(DEPTH)], ['objects', deepObject(DEPTH)]] as const) {
          test(`${door.path} → ${model}, ${shape} inside ${where}`, async () => {
            const seenBefore = upstreamOf(model).seen.length
            const response = await fetch(`${gateway.url}${door.path}`, { method: 'POST', body: door.body(model, deep, where), headers: { 'content-type': 'application/json' } })
            const text = await response.text()
            // A field the translation does not carry is dropped unread: then the answer is simply a 200.
            if (response.status === 200 && isDroppedInTranslation(door, model, where)) return
            if (isPassedUntouched(door, model, where)) {
              expect(response.status).toBe(200)
              const sent = upstreamOf(model).seen.slice(seenBefore)
              expect(sent).toHaveLength(1)
              // The whole deep value, byte for byte, in what the upstream received.
              expect(sent[0].bodyText).toContain(deep)
              return
            }
            expect(response.status).toBe(400)
            const answer = JSON.parse(text)
            if (door.isAnthropic) expect(answer.type).toBe('error')
            expect(answer.error.type).toBe('invalid_request_error')
            expect(text).toContain('nested too deeply')
            expect(text).not.toContain('RangeError')
            expect(text).not.toContain('    at ')
          })
        }
      }
    }
  }

  test('llmux keeps serving, and no log line holds a stack trace', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(response.status).toBe(200)
    for (const line of logger.lines) expect(line).not.toMatch(/\n\s+at |RangeError/)
  })
})

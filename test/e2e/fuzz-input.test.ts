import { expect, test } from 'bun:test'
import { openaiCompletion, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { pick, seededRandom } from '../helpers/seeded-random.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * Hostile and broken client input (issue 12): valid requests of each door, mutated at random (fixed
 * seed) — fields removed, replaced with values of every JSON type, nested deep, the text cut short or
 * not JSON at all. Whatever arrives, the answer is never a 5xx and always JSON in the caller's protocol,
 * and llmux keeps serving. The upstream (Chat Completions) answers anything it gets.
 */
const rig = rigsPerTest()
const BODIES = 2400

const upstream: MockHandler = (request) =>
  request.body.stream === true ? sseResponse(openaiStreamChunks(['ok'], { usage: true })) : Response.json(openaiCompletion('ok'))

type Door = 'anthropic' | 'openai' | 'responses' | 'count_tokens'
const PATHS: Record<Door, string> = {
  anthropic: '/v1/messages',
  openai: '/v1/chat/completions',
  responses: '/v1/responses',
  count_tokens: '/v1/messages/count_tokens',
}

const SEEDS: Record<Door, Record<string, unknown>> = {
  anthropic: {
    model: 'claude-x', max_tokens: 100, system: [{ type: 'text', text: 'be brief' }], stream: false,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    tools: [{ name: 'get_weather', description: 'w', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C' }], is_error: false }] },
    ],
  },
  openai: {
    model: 'gpt-x', stream: false, max_tokens: 100, response_format: { type: 'json_object' }, tool_choice: 'auto',
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
    ],
  },
  responses: {
    model: 'gpt-x', stream: false, instructions: 'be brief', max_output_tokens: 100, reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'],
    tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }, { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } }],
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather?' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'llmux:anthropic:sig' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '18C' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: 'x' },
    ],
  },
  count_tokens: { model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', input_schema: { type: 'object' } }] },
}

function deep(depth: number, random: () => number): unknown {
  let value: unknown = 'x'
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value }
  return value
}

function randomValue(random: () => number): unknown {
  return pick(random, [
    () => null, () => true, () => 0, () => -1, () => 1e308, () => 3.5, () => '', () => 'x'.repeat(Math.floor(random() * 5000)),
    () => '\u0000\ud800 \u{1F600}', () => [], () => [null, 1, 'a'], () => ({}), () => ({ type: 'unknown_kind' }),
    () => deep(Math.floor(random() * 3000), random), () => [{ type: 'text' }], () => ({ type: 'text', text: 42 }),
  ])()
}

/** A random path into the object (through objects and arrays), and its parent and key. */
function randomSlot(root: Record<string, unknown>, random: () => number): [Record<string, unknown> | unknown[], string | number] {
  let parent: Record<string, unknown> | unknown[] = root
  let key: string | number = pick(random, Object.keys(root))
  for (let depth = 0; depth < 6 && random() < 0.7; depth++) {
    const child: unknown = (parent as Record<string, unknown>)[key as string]
    if (typeof child !== 'object' || child === null) break
    const keys: (string | number)[] = Array.isArray(child) ? child.map((_, i) => i) : Object.keys(child)
    if (keys.length === 0) break
    parent = child as Record<string, unknown> | unknown[]
    key = pick(random, keys)
  }
  return [parent, key]
}

function mutated(door: Door, random: () => number): string {
  const body = structuredClone(SEEDS[door])
  if (random() < 0.5) body.stream = true
  const mutations = 1 + Math.floor(random() * 3)
  for (let i = 0; i < mutations; i++) {
    const [parent, key] = randomSlot(body, random)
    if (random() < 0.3) {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key as string]
    } else {
      ;(parent as Record<string | number, unknown>)[key] = randomValue(random)
    }
  }
  const text = JSON.stringify(body)
  const roll = random()
  if (roll < 0.05) return text.slice(0, Math.floor(random() * text.length)) // cut short
  if (roll < 0.07) return 'not json at all'
  if (roll < 0.08) return ''
  if (roll < 0.09) return JSON.stringify([body])
  return text
}

test(`${BODIES} mutated bodies on every door: never a 5xx, always JSON in the caller's protocol`, async () => {
  const random = seededRandom(12032026)
  const { url } = await rig([{ handler: upstream, toml: 'vision = true\nthinking = true' }])
  const failures: string[] = []
  for (let i = 0; i < BODIES && failures.length < 5; i++) {
    const door = pick(random, ['anthropic', 'openai', 'responses', 'count_tokens'] as const)
    const text = mutated(door, random)
    const answer = await fetch(`${url}${PATHS[door]}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text })
    const reply = await answer.text()
    const isJsonReply = (answer.headers.get('content-type') ?? '').includes('json')
    if (answer.status >= 500) failures.push(`${door} ${answer.status}: ${reply.slice(0, 200)} ← ${text.slice(0, 300)}`)
    else if (answer.status >= 400) {
      const body = isJsonReply ? (JSON.parse(reply) as Record<string, unknown>) : undefined
      const isEnvelope = door === 'anthropic' || door === 'count_tokens' ? body?.type === 'error' : typeof body?.error === 'object'
      if (!isEnvelope) failures.push(`${door} ${answer.status} not in its envelope: ${reply.slice(0, 200)}`)
    }
  }
  expect(failures).toEqual([])
  expect((await fetch(`${url}/health`)).status).toBe(200)
}, 120_000)

import { describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { GatewayError } from '../../src/errors.ts'
import type { ChatRequest, Message } from '../../src/ir/index.ts'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
import { responses } from '../../src/protocols/responses/index.ts'

const fixtures = new URL('../fixtures/anthropic/', import.meta.url).pathname
const load = (name: string): Promise<Record<string, unknown>> => Bun.file(fixtures + name).json()

/** Decode, encode, decode again: every field with an IR home survives the trip. */
describe('request round trip', () => {
  test.each(['plain-text', 'images', 'tools', 'thinking'])('%s', async (scenario) => {
    const body = await load(`${scenario}.request.json`)
    const request = anthropic.decodeRequest(body)
    const encoded = anthropic.encodeRequest(request, String(body.model))
    expect(anthropic.decodeRequest(encoded)).toStrictEqual(request)
    expect(encoded.model).toBe(body.model)
    expect(encoded.max_tokens).toBe(body.max_tokens)
  })

  test('plain text encodes to the same body, blocks for strings', async () => {
    const body = await load('plain-text.request.json')
    expect(anthropic.encodeRequest(anthropic.decodeRequest(body), 'claude-sonnet-4-5')).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are a terse assistant.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello, Claude' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello! How can I help?' }] },
        { role: 'user', content: [{ type: 'text', text: 'Say hi in French.' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-123' },
    })
  })

  test('tools: server tools dropped, results first, is_error and images in results kept', async () => {
    const body = await load('tools.request.json')
    const request = anthropic.decodeRequest(body)
    expect(request.tools?.map((tool) => tool.name)).toEqual(['get_weather', 'screenshot'])
    expect(request.toolChoice).toEqual({ type: 'auto' })
    expect(request.parallelToolCalls).toBe(false)
    const encoded = anthropic.encodeRequest(request, 'm')
    expect(encoded.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true })
    const results = (encoded.messages as Message[])[2]
    expect(results.content.map((block) => block.type)).toEqual(['tool_result', 'tool_result', 'text'])
    expect(results.content[1]).toMatchObject({ is_error: true, content: [{ type: 'text' }, { type: 'image' }] })
  })

  test('images: base64 and url sources', async () => {
    const request = anthropic.decodeRequest(await load('images.request.json'))
    expect(request.messages[0].content.slice(0, 2)).toEqual([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: expect.any(String) } },
      { type: 'image', source: { kind: 'url', url: expect.stringMatching(/^https:\/\//) } },
    ])
  })

  test('thinking: signature and redacted_thinking kept', async () => {
    const request = anthropic.decodeRequest(await load('thinking.request.json'))
    expect(request.thinking).toEqual({ type: 'enabled', budgetTokens: 10000 })
    expect(request.messages[1].content.map((part) => part.type)).toEqual(['thinking', 'redacted_thinking', 'text'])
    expect(request.messages[1].content[0]).toMatchObject({ provenance: { origin: 'anthropic', token: expect.stringMatching(/^EqQB/) } })
  })
})

describe('system turns', () => {
  test('system blocks stay blocks; later system turns become user text in place', async () => {
    const encoded = anthropic.encodeRequest(anthropic.decodeRequest(await load('system-turns.request.json')), 'm')
    expect(encoded.system).toEqual([
      { type: 'text', text: 'You are Claude Code.' },
      { type: 'text', text: 'Be concise.' },
    ])
    expect(encoded.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'List the files.' },
          { type: 'text', text: '<system>\n# Environment\nPlatform: linux\n</system>' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'There are two files.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system>\nThe user prefers short answers.\n</system>' },
          { type: 'text', text: 'Which is bigger?' },
        ],
      },
    ])
  })

  test('a system turn before any other turn joins the system prompt', () => {
    const request = chat([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ])
    const encoded = anthropic.encodeRequest({ ...request, system: [{ type: 'text', text: 'Top.' }] }, 'm')
    expect(encoded.system).toEqual([
      { type: 'text', text: 'Top.' },
      { type: 'text', text: 'Be brief.' },
    ])
    expect(encoded.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }])
  })

  test('the IR keeps a system turn from messages as a system turn', async () => {
    const request = anthropic.decodeRequest(await load('system-turns.request.json'))
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'system', 'assistant', 'system', 'user'])
  })
})

describe('Claude Code bodies', () => {
  test('newest Messages API fields map to the IR, the rest is dropped', async () => {
    const request = anthropic.decodeRequest(await load('claude-code.request.json'))
    expect(request).toMatchObject({
      model: 'claude-opus-4-6',
      maxTokens: 64000,
      isStreaming: true,
      thinking: { type: 'adaptive' },
      reasoningEffort: 'high',
      responseFormat: { type: 'json_schema', schema: { required: ['summary'] } },
      user: 'user_abc123_account__session_0f3e',
      toolChoice: { type: 'auto' },
    })
    expect(request.tools?.map((tool) => tool.name)).toEqual(['Bash', 'mcp__github__create_issue'])
    expect((request.tools?.[0] as { inputSchema: Record<string, unknown> }).inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    const result = request.messages[3].content[0]
    expect(result).toEqual({ type: 'tool_result', toolCallId: 'toolu_01Bash0000000000000000001', content: [{ type: 'text', text: '12 pass\n0 fail' }] })

    const encoded = anthropic.encodeRequest(request, 'claude-opus-4-6')
    expect(encoded.thinking).toEqual({ type: 'adaptive' })
    expect(encoded.output_config).toEqual({ effort: 'high', format: { type: 'json_schema', schema: expect.any(Object) } })
    expect(encoded.stream).toBe(true)
    for (const dropped of ['context_management', 'service_tier', 'some_future_field']) expect(encoded[dropped]).toBeUndefined()
    expect(JSON.stringify(encoded)).not.toContain('cache_control')
    expect(JSON.stringify(encoded)).not.toContain('defer_loading')
  })

  const captures = readdirSync(new URL('../fixtures/claude-code/', import.meta.url).pathname).filter((name) =>
    name.endsWith('.request.json'),
  )
  test.each(captures)('captured %s decodes and encodes to alternating turns', async (name) => {
    const capture = await Bun.file(new URL(`../fixtures/claude-code/${name}`, import.meta.url).pathname).json()
    const encoded = anthropic.encodeRequest(anthropic.decodeRequest(capture.body), 'm')
    const roles = (encoded.messages as Message[]).map((message) => message.role)
    expect(roles[0]).toBe('user')
    roles.forEach((role, i) => i > 0 && expect(role).not.toBe(roles[i - 1]))
  })
})

describe('encodeRequest rules', () => {
  test('thinking without a real Anthropic signature is removed; an emptied turn disappears', () => {
    const request = chat([
      { role: 'user', content: [{ type: 'text', text: 'Q1' }] },
      { role: 'assistant', content: [{ type: 'thinking', text: 'from openai', provenance: { origin: 'openai' } }] },
      { role: 'assistant', content: [{ type: 'thinking', text: 'unsigned' }, { type: 'text', text: 'A1' }] },
      { role: 'user', content: [{ type: 'text', text: 'Q2' }] },
      { role: 'user', content: [{ type: 'text', text: 'Q3' }] },
    ])
    expect(anthropic.encodeRequest(request, 'm').messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Q1' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A1' }] },
      { role: 'user', content: [{ type: 'text', text: 'Q2' }, { type: 'text', text: 'Q3' }] },
    ])
  })

  test('tool ids outside [a-zA-Z0-9_-] are rewritten the same way in tool_use and tool_result', () => {
    const request = chat([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'functions.get_weather:0', name: 'get_weather', arguments: '{"a":1}' }] },
      { role: 'user', content: [{ type: 'text', text: 'and?' }, { type: 'tool_result', toolCallId: 'functions.get_weather:0', content: [] }] },
    ])
    const [, assistant, user] = anthropic.encodeRequest(request, 'm').messages as { content: Record<string, unknown>[] }[]
    const id = assistant.content[0].id
    expect(id).toMatch(/^[a-zA-Z0-9_-]+$/)
    expect(user.content[0]).toEqual({ type: 'tool_result', tool_use_id: id })
    expect(assistant.content[0].input).toEqual({ a: 1 })
    const again = anthropic.encodeRequest(request, 'm').messages as { content: Record<string, unknown>[] }[]
    expect(again[1].content[0].id).toBe(id)
    // Two ids that differ only in replaced characters stay apart.
    expect(anthropic.encodeRequest(chat([toolCallTurn('a.b')]), 'm')).not.toEqual(anthropic.encodeRequest(chat([toolCallTurn('a:b')]), 'm'))
  })

  test('arguments that are not a JSON object become an empty input', () => {
    const encoded = anthropic.encodeRequest(chat([toolCallTurn('call_1', '{"unterminated')]), 'm')
    expect((encoded.messages as { content: Record<string, unknown>[] }[])[0].content[0].input).toEqual({})
  })

  test('max_tokens: given is kept, absent is 4096, above a thinking budget', () => {
    const base = chat([{ role: 'user', content: [{ type: 'text', text: 'x' }] }])
    expect(anthropic.encodeRequest({ ...base, maxTokens: 100 }, 'm').max_tokens).toBe(100)
    expect(anthropic.encodeRequest(base, 'm').max_tokens).toBe(4096)
    const thinking = { ...base, thinking: { type: 'enabled' as const, budgetTokens: 8000 } }
    expect(anthropic.encodeRequest(thinking, 'm')).toMatchObject({ max_tokens: 12096, thinking: { type: 'enabled', budget_tokens: 8000 } })
  })

  test('tool choice, parallel calls, effort, response format, data URL images', () => {
    const request: ChatRequest = {
      ...chat([{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'data:image/png;base64,AAAA' } }] }]),
      tools: [{ kind: 'function', name: 't', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'required' },
      parallelToolCalls: false,
      reasoningEffort: 'low',
      responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: true },
      thinking: { type: 'enabled' },
    }
    expect(anthropic.encodeRequest(request, 'm')).toMatchObject({
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      output_config: { effort: 'low', format: { type: 'json_schema', schema: { type: 'object' } } },
      thinking: { type: 'adaptive' },
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }],
    })
    const named = anthropic.encodeRequest({ ...request, toolChoice: { type: 'tool', name: 't' }, parallelToolCalls: undefined }, 'm')
    expect(named.tool_choice).toEqual({ type: 'tool', name: 't' })
    expect(anthropic.encodeRequest({ ...request, tools: undefined }, 'm').tool_choice).toBeUndefined()
  })
})

describe('response format', () => {
  const hi: Message = { role: 'user', content: [{ type: 'text', text: 'Hi' }] }

  test('json_object has no Anthropic form: a last system block asks for one JSON object', () => {
    const request: ChatRequest = { ...chat([hi]), system: [{ type: 'text', text: 'Be brief.' }], responseFormat: { type: 'json_object' } }
    const encoded = anthropic.encodeRequest(request, 'm')
    const system = encoded.system as { type: string; text: string }[]
    expect(system).toHaveLength(2)
    expect(system[0]).toEqual({ type: 'text', text: 'Be brief.' })
    expect(system[1].type).toBe('text')
    expect(system[1].text).toMatch(/one valid JSON object/)
    expect(system[1].text).toMatch(/code fences/)
    expect(encoded.output_config).toBeUndefined()
  })

  test('json_object without a system prompt still gets the instruction', () => {
    const encoded = anthropic.encodeRequest({ ...chat([hi]), responseFormat: { type: 'json_object' } }, 'm')
    expect((encoded.system as { text: string }[]).map((block) => block.text)).toEqual([expect.stringMatching(/JSON object/)])
  })

  test('a Responses text.format json_object gets the same instruction', () => {
    const request = responses.decodeRequest({ model: 'm', input: 'Hi', text: { format: { type: 'json_object' } } })
    const system = anthropic.encodeRequest(request, 'm').system as { text: string }[]
    expect(system.at(-1)?.text).toMatch(/one valid JSON object/)
  })

  test('json_schema stays output_config.format, with no extra instruction; text adds nothing', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } }
    const encoded = anthropic.encodeRequest({ ...chat([hi]), responseFormat: { type: 'json_schema', schema } }, 'm')
    expect(encoded.output_config).toEqual({ format: { type: 'json_schema', schema } })
    expect(encoded.system).toBeUndefined()
    expect(anthropic.encodeRequest({ ...chat([hi]), responseFormat: { type: 'text' } }, 'm').system).toBeUndefined()
  })

  test('output_config.format (and the older output_format) decodes as strict', () => {
    const schema = { type: 'object' }
    const body = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }
    const format = { type: 'json_schema', schema }
    expect(anthropic.decodeRequest({ ...body, output_config: { format } }).responseFormat).toEqual({ type: 'json_schema', schema, strict: true })
    expect(anthropic.decodeRequest({ ...body, output_format: format }).responseFormat).toEqual({ type: 'json_schema', schema, strict: true })
  })
})

describe('request validation names the field', () => {
  const user = { role: 'user', content: 'hi' }
  test.each([
    ['not an object', [], 'request body'],
    ['model missing', { messages: [user] }, 'model'],
    ['messages missing', { model: 'm' }, 'messages'],
    ['messages not an array', { model: 'm', messages: 'hi' }, 'messages'],
    ['unknown role', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
    ['content missing', { model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content'],
    ['block without type', { model: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages[0].content[0].type'],
    ['text not a string', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 1 }] }] }, 'messages[0].content[0].text'],
    ['bad image source', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'ftp' } }] }] }, 'messages[0].content[0].source.type'],
    ['tool_result id', { model: 'm', messages: [user, { role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }, 'messages[1].content[0].tool_use_id'],
    ['result block', { model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text' }] }] }] }, 'messages[0].content[0].content[0].text'],
    ['system block', { model: 'm', messages: [user], system: [{ type: 'image' }] }, 'system[0].type'],
    ['tool schema', { model: 'm', messages: [user], tools: [{ kind: 'function', name: 't' }] }, 'tools[0].input_schema'],
    ['tool choice', { model: 'm', messages: [user], tool_choice: { type: 'sometimes' } }, 'tool_choice.type'],
    ['temperature', { model: 'm', messages: [user], temperature: 'hot' }, 'temperature'],
    ['stop sequence', { model: 'm', messages: [user], stop_sequences: ['a', 2] }, 'stop_sequences[1]'],
    ['max_tokens', { model: 'm', messages: [user], max_tokens: '10' }, 'max_tokens'],
  ])('%s', (_, body, path) => {
    let thrown: unknown
    try {
      anthropic.decodeRequest(body)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(GatewayError)
    expect((thrown as GatewayError).kind).toBe('invalid_request')
    expect((thrown as GatewayError).status).toBe(400)
    expect((thrown as GatewayError).message.startsWith(`${path}: expected`)).toBe(true)
  })

  test('unknown fields and block types are accepted', () => {
    const request = anthropic.decodeRequest({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'document', source: {} }, { type: 'text', text: 'x', citations: [] }], extra: 1 }],
      betas: ['x'],
      thinking: { type: 'something_new' },
    })
    expect(request.messages[0].content).toEqual([{ type: 'text', text: 'x' }])
    expect(request.thinking).toBeUndefined()
  })
})

function chat(messages: Message[]): ChatRequest {
  return { model: 'm', system: [], messages, isStreaming: false }
}

function toolCallTurn(id: string, args = '{}'): Message {
  return { role: 'assistant', content: [{ type: 'tool_call', id, name: 'f', arguments: args }] }
}

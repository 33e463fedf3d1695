/**
 * The Responses codec (src/protocols/responses): requests both ways, answers both ways, errors.
 * Codex's captured requests (test/fixtures/codex) are the representative inputs.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ResponseStreamEvent } from 'openai/resources/responses/responses'
import type { Response as SdkResponse } from 'openai/resources/responses/responses'
import { GatewayError } from '../../src/errors.ts'
import { flatTools, toolLookupOf } from '../../src/ir/flat-tools.ts'
import type { ChatRequest, ChatResponse, ContentPart } from '../../src/ir/index.ts'
import { responses } from '../../src/protocols/responses/index.ts'
import { sealCompaction } from '../../src/protocols/responses/compaction.ts'
import { responsesBody } from '../helpers/responses-mock.ts'

const codexDir = join(import.meta.dir, '../fixtures/codex')
const codexBodies = readdirSync(codexDir)
  .filter((name) => name.endsWith('-responses.request.json'))
  .map((name) => [name, (JSON.parse(readFileSync(join(codexDir, name), 'utf8')) as { body: Record<string, unknown> }).body] as const)

const decode = (body: Record<string, unknown>): ChatRequest => responses.decodeRequest({ model: 'gpt-5.5', ...body })
const context = { id: 'resp_abc', model: 'gpt-5.5', created: 1760000000, estimatedInputTokens: 10, includeUsage: false }

function rejects(body: unknown, param: string, message: RegExp): void {
  let caught: unknown
  try {
    responses.decodeRequest(body)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(GatewayError)
  const error = caught as GatewayError
  expect(error.kind).toBe('invalid_request')
  expect(error.status).toBe(400)
  expect(error.param).toBe(param)
  expect(error.message).toMatch(message)
}

describe('decodeRequest: Codex captures', () => {
  test.each(codexBodies)('%s decodes', (_name, body) => {
    const request = responses.decodeRequest(body)
    expect(request.model).toBe(body.model as string)
    expect(request.isStreaming).toBe(true)
    // The ~21 KB developer prompt and the skills message lead: they are the system prompt.
    expect(request.system[0].text).toStartWith('You are Codex')
    expect(request.system.map((part) => part.text).join('\n')).toContain('<skills_instructions>')
    expect(request.messages[0].role).toBe('user')
    expect(request.reasoningEffort).toBe('medium')
    expect(request.includeReasoningToken).toBe(true)
    expect(request.promptCacheKey).toBe(body.prompt_cache_key as string)
    expect(request.verbosity).toBe('low')
    expect(request.toolChoice).toEqual({ type: 'auto' })
    expect(request.parallelToolCalls).toBe(true)
    // web_search and tool_search are hosted: dropped; apply_patch stays custom.
    const names = (request.tools ?? []).map((tool) => tool.name)
    expect(names).toContain('exec_command')
    expect(names).not.toContain('tool_search')
    expect(request.tools?.find((tool) => tool.name === 'apply_patch')?.kind).toBe('custom')
    expect((request.tools ?? []).every((tool) => tool.name !== '')).toBe(true)
  })

  const itemOf = (body: Record<string, unknown> | undefined, type: string): Record<string, unknown> =>
    ((body?.input ?? []) as Record<string, unknown>[]).find((item) => item.type === type) ?? {}

  test('a custom call and its output keep kind, call id and item id', () => {
    const body = codexBodies.find(([name]) => name === 'apply-patch-02-responses.request.json')?.[1]
    const item = itemOf(body, 'custom_tool_call')
    const request = responses.decodeRequest(body)
    const [call] = request.messages.find((message) => message.role === 'assistant')?.content ?? []
    expect(call).toEqual({ type: 'tool_call', id: item.call_id, itemId: item.id, name: 'apply_patch', kind: 'custom', arguments: item.input } as never)
    expect(call.type === 'tool_call' && call.arguments).toStartWith('*** Begin Patch\n')
    const last = request.messages.at(-1)
    expect(last?.role).toBe('user')
    expect(last?.content[0]).toMatchObject({ type: 'tool_result', toolCallId: item.call_id as string, kind: 'custom' })
  })

  test('reasoning, call and output echoed by Codex merge into one assistant turn, null fields and all', () => {
    const body = codexBodies.find(([name]) => name === 'shell-02-responses.request.json')?.[1]
    const request = responses.decodeRequest(body)
    const assistant = request.messages.find((message) => message.role === 'assistant')
    expect(assistant?.content.map((part) => part.type)).toEqual(['thinking', 'tool_call'])
    expect(assistant?.content[0]).toEqual({
      type: 'thinking',
      text: 'Running the command the user asked for.',
      isSummary: true,
      provenance: { origin: 'responses', itemId: itemOf(body, 'reasoning').id as string },
    })
  })

  test('namespace tools open up, each tool keeping its namespace', () => {
    const body = codexBodies.find(([name]) => name === 'catalog-03-responses.request.json')?.[1]
    const request = responses.decodeRequest(body)
    const spawned = (request.tools ?? []).filter((tool) => tool.namespace === 'multi_agent_v1')
    expect(spawned.length).toBeGreaterThan(1)
    expect(spawned.map((tool) => tool.name)).toContain('close_agent')
  })
})

describe('decodeRequest: shapes', () => {
  test('instructions, string input, options', () => {
    const request = decode({
      instructions: 'be brief',
      input: 'hello',
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: 'high', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      safety_identifier: 'user-1',
      store: false,
      metadata: { a: 'b' },
    })
    expect(request).toEqual({
      model: 'gpt-5.5',
      system: [{ type: 'text', text: 'be brief' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
      isStreaming: false,
      maxTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      reasoningEffort: 'high',
      reasoningSummary: 'auto',
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      user: 'user-1',
    })
  })

  test('items: messages without type, images, later developer turns, outputs with status, tool choice', () => {
    const request = decode({
      input: [
        { role: 'developer', content: 'sys' },
        { role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'calling', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'get', arguments: '{"a":1}', id: 'fc_1', namespace: 'mcp__srv__' },
        { type: 'function_call', call_id: 'call_2', name: 'get', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'one', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'two' }, { type: 'input_image', image_url: 'https://x/y.png' }] },
        { role: 'system', content: 'later' },
      ],
      tools: [{ type: 'function', name: 'get', parameters: null }, { type: 'web_search' }],
      tool_choice: { type: 'function', name: 'get' },
    })
    expect(request.system).toEqual([{ type: 'text', text: 'sys' }])
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'calling' },
          { type: 'tool_call', id: 'call_1', itemId: 'fc_1', namespace: 'mcp__srv__', name: 'get', arguments: '{"a":1}' },
          { type: 'tool_call', id: 'call_2', name: 'get', arguments: '{}' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'one' }] },
          { type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: 'two' }, { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'later' }] },
    ])
    expect(request.tools).toEqual([{ kind: 'function', name: 'get', inputSchema: { type: 'object', properties: {} } }])
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'get' })
  })

  test('additional_tools items add tools; a sealed compaction opens into a summary; a foreign one is dropped', () => {
    const request = decode({
      input: [
        { type: 'compaction', encrypted_content: sealCompaction('We fixed the bug — naïvely.') },
        { type: 'compaction', encrypted_content: 'gAAAA-openai-blob' },
        { type: 'additional_tools', tools: [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }] },
        { role: 'user', content: 'go on' },
      ],
    })
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '[compacted conversation summary]\nWe fixed the bug — naïvely.' }] },
      { role: 'user', content: [{ type: 'text', text: 'go on' }] },
    ])
    expect(request.tools).toEqual([{ kind: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }])
  })

  test('reasoning items: OpenAI token with its item id, Anthropic signature marker, redacted marker', () => {
    const request = decode({
      input: [
        { role: 'user', content: 'hi' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'a' }, { type: 'summary_text', text: 'b' }], encrypted_content: 'gAAAAtoken' },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'llmux:anthropic:EqQBsig==' },
        { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'llmux:anthropic-redacted:REDACTED' },
        { type: 'reasoning', id: 'rs_4', summary: [], content: [{ type: 'reasoning_text', text: 'full' }] },
      ],
    })
    expect(request.messages[1].content).toEqual([
      { type: 'thinking', text: 'a\n\nb', isSummary: true, provenance: { origin: 'responses', token: 'gAAAAtoken', itemId: 'rs_1' } },
      { type: 'thinking', text: '', isSummary: true, provenance: { origin: 'anthropic', token: 'EqQBsig==' } },
      { type: 'redacted_thinking', data: 'REDACTED' },
      { type: 'thinking', text: 'full', provenance: { origin: 'responses', itemId: 'rs_4' } },
    ])
  })

  test('stored state, item references and file ids get a clear 400 naming the field', () => {
    rejects({ model: 'm', input: 'hi', previous_response_id: 'resp_1' }, 'previous_response_id', /keeps no stored responses.*store: false/)
    rejects({ model: 'm', input: 'hi', conversation: 'conv_1' }, 'conversation', /whole conversation/)
    rejects({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', /item_reference/)
    rejects({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0].file_id', /file ids/)
    rejects({ model: 'm', input: [{ type: 'function_call', name: 'x', arguments: '{}' }] }, 'input[0].call_id', /expected a string/)
    rejects({ model: 'm', input: 42 }, 'input', /array/)
    rejects({ model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name', /expected a string/)
    // previous_response_id: null is the SDK's "not set".
    expect(responses.decodeRequest({ model: 'm', input: 'hi', previous_response_id: null }).messages).toHaveLength(1)
  })
})

describe('encodeRequest', () => {
  test.each(codexBodies)('%s: decode → encode → decode is stable', (_name, body) => {
    const request = responses.decodeRequest(body)
    const encoded = responses.encodeRequest(request, 'gpt-5.5')
    expect(encoded.store).toBe(false)
    expect(encoded.stream).toBe(true)
    expect(encoded.include).toEqual(['reasoning.encrypted_content'])
    const again = responses.decodeRequest(encoded)
    // The leading developer messages come back as `instructions`, joined: same text.
    expect(again.system.map((part) => part.text).join('\n\n')).toBe(request.system.map((part) => part.text).join('\n\n'))
    // Reasoning without a token cannot go back to a Responses backend (store: false): dropped.
    const sendable = request.messages.map((message) => ({
      ...message,
      content: message.content.filter((part) => part.type !== 'thinking' || part.provenance?.token !== undefined),
    }))
    expect(again.messages).toEqual(sendable)
    expect(again.tools).toEqual(request.tools)
    expect({ ...again, system: [], messages: [], tools: [] }).toEqual({ ...request, system: [], messages: [], tools: [] })
  })

  test('namespaced tools regroup; strict is always said; custom tools and choices keep their kind', () => {
    const request: ChatRequest = {
      model: 'm',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      isStreaming: false,
      tools: [
        { kind: 'function', name: 'a', namespace: 'ns', inputSchema: { type: 'object' } },
        { kind: 'custom', name: 'apply_patch', description: 'patch' },
        { kind: 'function', name: 'b', namespace: 'ns', inputSchema: { type: 'object' }, strict: true },
      ],
      toolChoice: { type: 'tool', name: 'apply_patch' },
      stopSequences: ['x'],
      thinking: { type: 'enabled', budgetTokens: 20000 },
    }
    const body = responses.encodeRequest(request, 'gpt-5')
    expect(body.tools).toEqual([
      {
        type: 'namespace',
        name: 'ns',
        description: 'ns',
        tools: [
          { type: 'function', name: 'a', parameters: { type: 'object' }, strict: false },
          { type: 'function', name: 'b', parameters: { type: 'object' }, strict: true },
        ],
      },
      { type: 'custom', name: 'apply_patch', description: 'patch' },
    ])
    expect(body.tool_choice).toEqual({ type: 'custom', name: 'apply_patch' })
    expect(body.reasoning).toEqual({ effort: 'high' })
    expect(body.include).toEqual(['reasoning.encrypted_content'])
    expect(body).not.toHaveProperty('stop')
  })

  test('history: only OpenAI reasoning goes back; calls keep call and item ids; error results say so', () => {
    const request: ChatRequest = {
      model: 'm',
      system: [{ type: 'text', text: 'sys' }],
      isStreaming: false,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', text: 'mine', provenance: { origin: 'responses', token: 'gAAAA', itemId: 'rs_9' } },
            { type: 'thinking', text: 'theirs', provenance: { origin: 'anthropic', token: 'sig' } },
            { type: 'redacted_thinking', data: 'x' },
            { type: 'text', text: 'ok' },
            { type: 'tool_call', id: 'toolu_1', name: 'get', arguments: '' },
            { type: 'tool_call', id: 'call_2', itemId: 'ctc_2', name: 'apply_patch', kind: 'custom', arguments: '*** Begin Patch' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'boom' }], isError: true },
            { type: 'tool_result', toolCallId: 'call_2', kind: 'custom', content: [{ type: 'text', text: 'done' }] },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
    }
    const body = responses.encodeRequest(request, 'gpt-5')
    expect(body.instructions).toBe('sys')
    expect(body.include).toEqual(['reasoning.encrypted_content'])
    expect(body.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'reasoning', id: 'rs_9', summary: [{ type: 'summary_text', text: 'mine' }], encrypted_content: 'gAAAA' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
      { type: 'function_call', call_id: 'toolu_1', name: 'get', arguments: '{}' },
      { type: 'custom_tool_call', id: 'ctc_2', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'Error: boom' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: 'done' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'thanks' }] },
    ])
  })
})

const apply = { kind: 'custom' as const, name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }
const namespaced = { kind: 'function' as const, name: 'close_agent', namespace: 'multi_agent_v1', inputSchema: { type: 'object' } }
const clientTools = [apply, namespaced]
const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello "quoted" \\ path\n*** End Patch\n'

describe('encodeResponse', () => {
  const answer: ChatResponse = {
    id: 'msg_01abc',
    model: 'claude-sonnet',
    content: [
      { type: 'thinking', text: 'plan', provenance: { origin: 'anthropic', token: 'EqQBsig==' } },
      { type: 'redacted_thinking', data: 'REDACTED' },
      { type: 'text', text: 'Patching.' },
      // What a flattened backend answered: the custom tool as a function with {"input": …}.
      { type: 'tool_call', id: 'toolu_1', name: 'apply_patch', arguments: JSON.stringify({ input: patch }) },
      { type: 'tool_call', id: 'toolu_2', name: flatTools([namespaced])[0].name, arguments: '{"target":"a1"}' },
    ],
    stopReason: 'tool_use',
    usage: { inputTokens: 100, cacheReadTokens: 50, cacheWriteTokens: 5, outputTokens: 20, reasoningTokens: 7 },
  }
  const encoded = responses.encodeResponse(answer, { ...context, tools: toolLookupOf(clientTools), includeReasoningToken: true }) as unknown as SdkResponse

  test('has every field the SDK Response type requires, and no output_text', () => {
    const required: (keyof SdkResponse)[] = ['id', 'created_at', 'error', 'incomplete_details', 'instructions', 'metadata', 'model', 'object', 'output', 'parallel_tool_calls', 'temperature', 'tool_choice', 'tools', 'top_p']
    for (const key of required) expect(encoded).toHaveProperty(key)
    expect(encoded).not.toHaveProperty('output_text')
    expect(encoded.id).toBe('resp_msg_01abc')
    expect(encoded.object).toBe('response')
    expect(encoded.status).toBe('completed')
    expect(encoded.created_at).toBe(1760000000)
    expect(encoded.usage).toEqual({
      input_tokens: 155,
      input_tokens_details: { cached_tokens: 50, cache_write_tokens: 5 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 7 },
      total_tokens: 175,
    })
  })

  test('items: reasoning with markers, message, custom call with raw input, namespaced call split back', () => {
    expect(encoded.output).toEqual([
      { id: 'rs_msg_01abc_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'llmux:anthropic:EqQBsig==' },
      { id: 'rs_msg_01abc_1', type: 'reasoning', summary: [], encrypted_content: 'llmux:anthropic-redacted:REDACTED' },
      { id: 'msg_msg_01abc_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Patching.', annotations: [] }] },
      { id: 'ctc_msg_01abc_3', type: 'custom_tool_call', status: 'completed', call_id: 'toolu_1', name: 'apply_patch', input: patch },
      { id: 'fc_msg_01abc_4', type: 'function_call', status: 'completed', call_id: 'toolu_2', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a1"}' },
    ] as never)
  })

  test('Anthropic signature → encrypted_content marker → back to the same signature', () => {
    const echoed = responses.decodeRequest({ model: 'm', input: [{ role: 'user', content: 'hi' }, ...encoded.output] })
    const assistant = echoed.messages[1].content
    expect(assistant[0]).toEqual({ type: 'thinking', text: 'plan', isSummary: true, provenance: { origin: 'anthropic', token: 'EqQBsig==' } })
    expect(assistant[1]).toEqual({ type: 'redacted_thinking', data: 'REDACTED' })
    expect(assistant[3]).toMatchObject({ type: 'tool_call', kind: 'custom', name: 'apply_patch', arguments: patch, itemId: 'ctc_msg_01abc_3' })
    expect(assistant[4]).toMatchObject({ type: 'tool_call', name: 'close_agent', namespace: 'multi_agent_v1' })
  })

  test('no token unless asked; max_tokens is incomplete', () => {
    const plain = responses.encodeResponse({ ...answer, stopReason: 'max_tokens' }, context) as unknown as SdkResponse
    expect(plain.status).toBe('incomplete')
    expect(plain.incomplete_details).toEqual({ reason: 'max_output_tokens' })
    const reasoning = plain.output.filter((item) => item.type === 'reasoning')
    expect(reasoning).toHaveLength(1) // redacted thinking means nothing without its token
    expect(reasoning[0]).not.toHaveProperty('encrypted_content')
    // Without the request's tools the flattened call stays as it was sent.
    expect(plain.output.find((item) => item.type === 'function_call' && item.call_id === 'toolu_1')).toBeDefined()
  })
})

describe('decodeResponse', () => {
  test('a real-shaped response: reasoning, text, calls, cached usage', () => {
    const body = responsesBody({
      id: 'resp_1',
      model: 'gpt-5',
      items: [
        { type: 'reasoning', summary: 'think', encryptedContent: 'gAAAAenc', id: 'rs_1' },
        { type: 'text', text: 'hello', id: 'msg_1' },
        { type: 'function_call', callId: 'call_1', name: 'get', arguments: '{"a":1}', id: 'fc_1' },
        { type: 'custom_tool_call', callId: 'call_2', name: 'apply_patch', input: patch, id: 'ctc_1' },
      ],
      usage: { input_tokens: 100, cached_tokens: 40, output_tokens: 30, reasoning_tokens: 12 },
    })
    const decoded = responses.decodeResponse(body)
    expect(decoded).toEqual({
      id: 'resp_1',
      model: 'gpt-5',
      content: [
        { type: 'thinking', text: 'think', isSummary: true, provenance: { origin: 'responses', token: 'gAAAAenc', itemId: 'rs_1' } },
        { type: 'text', text: 'hello' },
        { type: 'tool_call', id: 'call_1', itemId: 'fc_1', name: 'get', arguments: '{"a":1}' },
        { type: 'tool_call', id: 'call_2', itemId: 'ctc_1', name: 'apply_patch', kind: 'custom', arguments: patch },
      ] satisfies ContentPart[],
      stopReason: 'tool_use',
      rawStopReason: 'completed',
      usage: expect.objectContaining({ inputTokens: 60, cacheReadTokens: 40, outputTokens: 30, reasoningTokens: 12 }),
    })
    expect(responses.usageOfResponse(body)).toEqual(decoded.usage)
  })

  test('incomplete → max_tokens; failed → its error kind', () => {
    expect(responses.decodeResponse(responsesBody({ text: 'cut', status: 'incomplete' })).stopReason).toBe('max_tokens')
    let caught: unknown
    try {
      responses.decodeResponse({ ...responsesBody({ text: '' }), status: 'failed', error: { code: 'rate_limit_exceeded', message: 'slow down' } })
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ kind: 'rate_limited', message: 'slow down' })
  })
})

describe('errors', () => {
  test('HTTP error bodies are OpenAI-shaped; context length has its own code', () => {
    expect(responses.encodeError(new GatewayError('invalid_request', 'previous_response_id: nope', { param: 'previous_response_id' }))).toEqual({
      error: { message: 'previous_response_id: nope', type: 'invalid_request_error', param: 'previous_response_id', code: 'invalid_request' },
    })
    expect(responses.encodeError(new GatewayError('invalid_request', 'prompt is too long: 300000 tokens'))).toMatchObject({ error: { code: 'context_length_exceeded' } })
    expect(responses.decodeError(429, '{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}').kind).toBe('billing')
  })

  test('encodeStreamError is one response.failed with the code Codex acts on', () => {
    const text = responses.encodeStreamError(new GatewayError('rate_limited', 'every backend is cooling down', { retryAfterMs: 11_500 }))
    expect(text.startsWith('event: response.failed\ndata: ')).toBe(true)
    const event = JSON.parse(text.slice(text.indexOf('data: ') + 6)) as ResponseStreamEvent
    expect(event).toMatchObject({
      type: 'response.failed',
      sequence_number: 0,
      response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'every backend is cooling down Please try again in 12s.' } },
    })
    const quota = responses.encodeStreamError(new GatewayError('billing', 'budget spent'))
    expect(quota).toContain('"code":"insufficient_quota"')
  })
})

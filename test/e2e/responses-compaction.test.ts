import { describe, expect, test } from 'bun:test'
import { anthropicMessage, openaiCompletion, type SeenRequest } from '../helpers/mock-upstream.ts'
import { responsesHttpAnswer } from '../helpers/responses-mock.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * Codex's compaction through llmux (SPEC §7.2): POST /v1/responses/compact and a final compaction_trigger
 * item are both answered by asking the routed backend for a summary, returned as exactly one compaction
 * item sealed by llmux; a later turn that carries that item reaches any backend as the summary text.
 */
const rig = rigsPerTest()
const SUMMARY = 'The user wants hello.txt; it was created with apply_patch. Next: nothing.'
const history = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'create hello.txt' }] },
  { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
  { type: 'function_call_output', call_id: 'call_1', output: 'hello.txt' },
]
const tools = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false }]

const chatSummary = () => Response.json(openaiCompletion(SUMMARY))

async function post(url: string, path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

const itemsOf = (body: unknown) => (body as { output: { type: string; encrypted_content?: string }[] }).output

describe('compaction', () => {
  test('POST /v1/responses/compact: one compaction item, the backend asked for a summary with tools it may not call', async () => {
    const { url, upstreams } = await rig([{ handler: chatSummary }])
    const answer = await post(url, '/v1/responses/compact', { model: 'gpt-5.5', input: history, tools })
    expect(answer.status).toBe(200)
    const output = itemsOf(await answer.json())
    expect(output).toHaveLength(1)
    expect(output[0].type).toBe('compaction')
    expect(output[0].encrypted_content).toStartWith('llmux:llmux:')
    const sent = upstreams[0]!.seen[0].body as { stream?: boolean; tool_choice?: string; messages: { role: string; content: string }[] }
    expect(sent.stream).toBeUndefined()
    expect(sent.tool_choice).toBe('none')
    expect(sent.messages.at(-1)!.content).toContain('handoff summary')
  })

  test.each([false, true])('a final compaction_trigger item (stream: %p) is answered with one compaction item', async (isStreaming) => {
    const { openai } = await rig([{ handler: chatSummary }])
    const input = [...history, { type: 'compaction_trigger' }] as never
    const response = isStreaming
      ? await openai().responses.stream({ model: 'gpt-5.5', input }).finalResponse()
      : await openai().responses.create({ model: 'gpt-5.5', input })
    expect(response.output.map((item) => item.type)).toEqual(['compaction' as never])
    expect(response.status).toBe('completed')
  })

  test('a sealed compaction item opens into the summary for a chat, an Anthropic and a Responses backend', async () => {
    const { url } = await rig([{ handler: chatSummary }])
    const compacted = itemsOf(await (await post(url, '/v1/responses/compact', { model: 'gpt-5.5', input: history })).json())[0]
    const next = { model: 'gpt-5.5', input: [compacted, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go on' }] }] }
    const seen: SeenRequest[] = []
    const record = (answer: () => Response) => (request: SeenRequest) => (seen.push(request), answer())
    const backends = await rig([
      { handler: record(() => Response.json(openaiCompletion('ok'))) },
      { handler: record(() => Response.json(anthropicMessage([{ type: 'text', text: 'ok' }]))), type: 'anthropic' },
      { handler: record(() => responsesHttpAnswer({ text: 'ok' })), type: 'responses' },
    ])
    for (const id of backends.ids) expect((await post(backends.url, '/v1/responses', { ...next, model: id })).status).toBe(200)
    expect(seen).toHaveLength(3)
    for (const request of seen) {
      expect(request.bodyText).toContain(SUMMARY)
      expect(request.bodyText).not.toContain('llmux:llmux:')
    }
  })
})

describe('reasoning continuity', () => {
  test("an Anthropic signature reaches a Responses client as marked encrypted_content and goes back byte for byte", async () => {
    const signature = 'EqQBCkYIBxgCKkBrealAnthropicSignature=='
    const { url, upstreams } = await rig([
      { handler: () => Response.json(anthropicMessage([{ type: 'thinking', thinking: 'Let me think.', signature }, { type: 'text', text: '42' }])), type: 'anthropic', toml: 'thinking = true' },
    ])
    const first = await (await post(url, '/v1/responses', { model: 'any', input: 'question', reasoning: { effort: 'high' }, include: ['reasoning.encrypted_content'] })).json() as { output: Record<string, unknown>[] }
    const reasoning = first.output.find((item) => item.type === 'reasoning')!
    expect(reasoning.encrypted_content).toBe(`llmux:anthropic:${signature}`)
    await post(url, '/v1/responses', { model: 'any', input: [{ role: 'user', content: 'question' }, ...first.output, { role: 'user', content: 'and?' }], reasoning: { effort: 'high' } })
    const sent = upstreams[0]!.seen[1].body as { messages: { role: string; content: { type: string; thinking?: string; signature?: string }[] }[] }
    const thinking = sent.messages.flatMap((message) => message.content).find((block) => block.type === 'thinking')
    expect(thinking).toEqual({ type: 'thinking', thinking: 'Let me think.', signature })
  })

  test('a Responses backend never gets reasoning llmux marked for another origin (passthrough strips it)', async () => {
    const { url, upstreams } = await rig([{ handler: () => responsesHttpAnswer({ text: 'ok' }), type: 'responses' }])
    const input = [
      { role: 'user', content: 'q' },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'hm' }], encrypted_content: 'llmux:anthropic:EqQBsig' },
      { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAAAopenai-own' },
      { role: 'user', content: 'and?' },
    ]
    await post(url, '/v1/responses', { model: 'any', input })
    const sent = upstreams[0]!.seen[0].body as { input: { id?: string }[] }
    expect(sent.input.map((item) => item.id ?? null)).toEqual([null, 'rs_2', null])
  })
})

describe("Codex's model catalog", () => {
  test('GET /v1/models?client_version= answers models[] with real context windows and freeform apply_patch', async () => {
    const { url } = await rig([{ handler: chatSummary, toml: 'context = 272000\nmodel_match = ["gpt-5.5", "gpt-4*"]\nvision = true' }])
    const catalog = (await (await fetch(`${url}/v1/models?client_version=0.171.0`)).json()) as { models: Record<string, unknown>[] }
    expect(catalog.models.map((model) => model.slug)).toEqual(['a:model-a', 'gpt-5.5'])
    expect(catalog.models[1]).toMatchObject({ context_window: 272000, apply_patch_tool_type: 'freeform', shell_type: 'shell_command', input_modalities: ['text', 'image'] })
    expect(String(catalog.models[1].base_instructions)).toContain('apply_patch')
  })
})

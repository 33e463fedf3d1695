import { describe, expect, test } from 'bun:test'
import type { SeenRequest } from '../helpers/mock-upstream.ts'
import { responsesHttpAnswer, responsesInput, responsesLastUserText } from '../helpers/responses-mock.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * The backend side of the Responses API: Chat Completions and Anthropic clients (the official SDKs)
 * reach a backend that speaks only the Responses API (`api = "responses"`), streamed and not, with a
 * tool round trip and reasoning that comes back to the same backend as its own encrypted_content.
 */
const rig = rigsPerTest()
const ENCRYPTED = 'gAAAAABoReasoningOpaqueToken=='

/** Calls get_weather when asked about weather, answers "done: <output>" after a tool output, else echoes; always reasons first. */
function responsesOnly(request: SeenRequest): Response {
  const options = { request: request.body, stream: request.body.stream === true }
  const usage = { input_tokens: 50, cached_tokens: 20, output_tokens: 12, reasoning_tokens: 5 }
  const reasoning = { type: 'reasoning' as const, summary: 'Thinking it over.', encryptedContent: ENCRYPTED, id: 'rs_up1' }
  const output = responsesInput(request.body).findLast((item) => item.type === 'function_call_output')
  if (output) return responsesHttpAnswer({ items: [reasoning, { type: 'text', text: `done: ${String(output.output)}` }], usage }, options)
  const said = responsesLastUserText(request.body)
  if (said.includes('weather')) {
    return responsesHttpAnswer({ items: [reasoning, { type: 'function_call', callId: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}', id: 'fc_up1' }], usage }, options)
  }
  return responsesHttpAnswer({ items: [reasoning, { type: 'text', text: `echo: ${said}` }], usage }, options)
}

const backend = { handler: responsesOnly, type: 'responses' as const, toml: 'thinking = true' }
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }

describe('Chat Completions client → Responses backend', () => {
  test.each([false, true])('text with usage (stream: %p); the upstream gets a Responses request with store: false', async (isStreaming) => {
    const { openai, upstreams } = await rig([backend])
    const client = openai()
    const messages = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'hello' }]
    let text = ''
    if (isStreaming) {
      const stream = await client.chat.completions.create({ model: 'any', messages, stream: true, stream_options: { include_usage: true } })
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    } else {
      const completion = await client.chat.completions.create({ model: 'any', messages })
      text = completion.choices[0].message.content ?? ''
      expect(completion.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 20 } })
    }
    expect(text).toBe('echo: hello')
    const sent = upstreams[0]!.seen[0]
    expect(sent.path).toBe('/v1/responses')
    expect(sent.body).toMatchObject({ model: 'model-a', instructions: 'Be brief.', store: false })
  })

  test('a tool round trip: tool_calls out, the result back as function_call_output with the same call_id', async () => {
    const { openai, upstreams } = await rig([backend])
    const client = openai()
    const first = await client.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'weather in Paris?' }], tools: [weatherTool] })
    const call = first.choices[0].message.tool_calls![0]
    expect(first.choices[0].finish_reason).toBe('tool_calls')
    expect(call).toMatchObject({ id: 'call_w1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } })
    const second = await client.chat.completions.create({
      model: 'any',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'weather in Paris?' }, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '18C' }],
    })
    expect(second.choices[0].message.content).toBe('done: 18C')
    const input = responsesInput(upstreams[0]!.seen[1].body)
    expect(input.find((item) => item.type === 'function_call_output')).toMatchObject({ call_id: 'call_w1', output: '18C' })
  })
})

describe('Anthropic client → Responses backend', () => {
  test('streamed thinking carries the upstream reasoning token, and it goes back as the same reasoning item', async () => {
    const { anthropic, upstreams } = await rig([backend])
    const client = anthropic()
    const request = { model: 'claude-x', max_tokens: 2000, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, tools: [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }] }
    const message = await client.messages.stream({ ...request, messages: [{ role: 'user', content: 'weather in Paris?' }] }).finalMessage()
    const thinking = message.content.find((block) => block.type === 'thinking')
    const toolUse = message.content.find((block) => block.type === 'tool_use')
    expect(thinking).toMatchObject({ thinking: 'Thinking it over.', signature: `llmux:responses@rs_up1:${ENCRYPTED}` })
    expect(toolUse).toMatchObject({ id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } })
    expect(message.stop_reason).toBe('tool_use')
    const answer = await client.messages.create({
      ...request,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: '18C' }] },
      ],
    })
    expect(answer.content.find((block) => block.type === 'text')).toMatchObject({ text: 'done: 18C' })
    const input = responsesInput(upstreams[0]!.seen[1].body)
    expect(input.find((item) => item.type === 'reasoning')).toMatchObject({ id: 'rs_up1', encrypted_content: ENCRYPTED })
    expect(upstreams[0]!.seen[1].body.include).toEqual(['reasoning.encrypted_content'])
  })
})

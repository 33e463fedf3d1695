import { beforeAll, describe, expect, test } from 'bun:test'
import { dirname } from 'node:path'
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool } from '@openai/agents'
import type OpenAI from 'openai'
import { z } from 'zod'
import { anthropicEvents, anthropicMessage, sseResponse, type SeenRequest } from '../helpers/mock-upstream.ts'
import { responsesHttpAnswer, responsesInput } from '../helpers/responses-mock.ts'
import { rigsPerTest, type RigBackend } from '../helpers/start-rig.ts'

/**
 * The OpenAI Agents SDK (`@openai/agents` 0.20.0, Responses API mode) through llmux to each kind of backend:
 * one Agent, one function tool. The upstream's first answer calls the tool, the SDK runs it and sends its
 * output back, and the upstream's second answer is the run's final output.
 *
 * The Agents SDK depends on openai ^7 (nested under node_modules/@openai/agents*), not the project's openai 6;
 * the client is built from that nested copy, as test/fixtures/responses/capture.ts does. Each test gives its
 * Agent an OpenAIResponsesModel on its own client (what `setOpenAIAPI('responses')` + `setDefaultOpenAIClient`
 * would build), because the default provider keeps the first client it is given and each test has its own llmux.
 */
const rig = rigsPerTest()
const CALL_ID = 'call_agent_weather_1'
const TOOL_RESULT = 'The weather in Paris is sunny, 21C'
const FINAL_TEXT = 'Final answer: it is sunny in Paris (21C).'
const ARGUMENTS = { city: 'Paris' }

const agentsOpenAIPath = Bun.resolveSync('openai', dirname(Bun.resolveSync('@openai/agents-openai', import.meta.dir)))
let AgentsOpenAI: typeof OpenAI

beforeAll(async () => {
  AgentsOpenAI = ((await import(agentsOpenAIPath)) as { default: typeof OpenAI }).default
  setTracingDisabled(true)
})

function splitEvery(text: string, size: number): string[] {
  const parts: string[] = []
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size))
  return parts
}

/** The text of a tool result, whether a string or an array of text parts. */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : ''

function chatUpstream(request: SeenRequest): Response {
  const messages = request.body.messages as { role: string; content: unknown }[]
  const answered = messages.some((message) => message.role === 'tool')
  const message = answered
    ? { role: 'assistant', content: FINAL_TEXT }
    : { role: 'assistant', content: null, tool_calls: [{ id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(ARGUMENTS) } }] }
  const finish = answered ? 'stop' : 'tool_calls'
  const usage = { prompt_tokens: 40, completion_tokens: 6, total_tokens: 46 }
  if (request.body.stream !== true) {
    return Response.json({ id: 'chatcmpl-up', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message, finish_reason: finish }], usage })
  }
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
  const body = answered
    ? [chunk({ role: 'assistant', content: '' }), ...splitEvery(FINAL_TEXT, 5).map((part) => chunk({ content: part }))]
    : [chunk({ role: 'assistant', tool_calls: [{ index: 0, id: CALL_ID, type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
       ...splitEvery(JSON.stringify(ARGUMENTS), 7).map((part) => chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }))]
  const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [], usage })}\n\n`
  return sseResponse([...body, chunk({}, finish), usageChunk, 'data: [DONE]\n\n'])
}

function anthropicUpstream(request: SeenRequest): Response {
  const messages = request.body.messages as { role: string; content: unknown }[]
  const answered = messages.some((message) => Array.isArray(message.content) && (message.content as { type: string }[]).some((block) => block.type === 'tool_result'))
  const usage = { input_tokens: 30, output_tokens: 6, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }
  const stopReason = answered ? 'end_turn' : 'tool_use'
  if (request.body.stream !== true) {
    const content = answered ? [{ type: 'text', text: FINAL_TEXT }] : [{ type: 'tool_use', id: CALL_ID, name: 'get_weather', input: ARGUMENTS }]
    return Response.json(anthropicMessage(content, { stop_reason: stopReason, usage }))
  }
  const start = { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }
  type Event = [string, Record<string, unknown>]
  const block: Event[] = answered
    ? [['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
       ...splitEvery(FINAL_TEXT, 5).map((part): Event => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } }])]
    : [['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: CALL_ID, name: 'get_weather', input: {} } }],
       ...splitEvery(JSON.stringify(ARGUMENTS), 9).map((part): Event => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } }])]
  return sseResponse(anthropicEvents([
    ['message_start', start],
    ...block,
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 6 } }],
    ['message_stop', { type: 'message_stop' }],
  ]))
}

function responsesUpstream(request: SeenRequest): Response {
  const answered = responsesInput(request.body).some((item) => item.type === 'function_call_output')
  const options = { request: request.body, stream: request.body.stream === true }
  const usage = { input_tokens: 40, output_tokens: 6 }
  if (answered) return responsesHttpAnswer({ text: FINAL_TEXT, usage }, options)
  return responsesHttpAnswer({ functionCall: { callId: CALL_ID, name: 'get_weather', arguments: JSON.stringify(ARGUMENTS) }, usage }, options)
}

/** Asserts the second upstream request carries the tool's result, in that upstream's protocol. */
const sawToolResult: Record<string, (body: Record<string, unknown>) => void> = {
  chat(body) {
    const messages = body.messages as { role: string; content: unknown; tool_call_id?: string }[]
    const toolMessage = messages.find((message) => message.role === 'tool')
    expect(toolMessage?.tool_call_id).toBe(CALL_ID)
    expect(textOf(toolMessage?.content)).toContain(TOOL_RESULT)
  },
  anthropic(body) {
    const blocks = (body.messages as { role: string; content: unknown }[]).flatMap((message) => (Array.isArray(message.content) ? (message.content as Record<string, unknown>[]) : []))
    const result = blocks.find((block) => block.type === 'tool_result')
    expect(result?.tool_use_id).toBe(CALL_ID)
    expect(textOf(result?.content)).toContain(TOOL_RESULT)
  },
  responses(body) {
    const output = responsesInput(body).find((item) => item.type === 'function_call_output')
    expect(output?.call_id).toBe(CALL_ID)
    expect(textOf(output?.output)).toContain(TOOL_RESULT)
  },
}

const kinds: [string, string, RigBackend][] = [
  ['a Chat Completions', 'chat', { handler: chatUpstream }],
  ['an Anthropic', 'anthropic', { handler: anthropicUpstream, type: 'anthropic' }],
  ['a Responses', 'responses', { handler: responsesUpstream, type: 'responses' }],
]

describe.each(kinds)('an Agents SDK run through llmux to %s backend', (_name, kind, backend) => {
  test.each([false, true])('one function tool round trip (stream: %p)', async (isStreaming) => {
    const { url, upstreams } = await rig([backend])
    const client = new AgentsOpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 })
    const calls: unknown[] = []
    const getWeather = tool({
      name: 'get_weather',
      description: 'Get the current weather for a city',
      parameters: z.object({ city: z.string().describe('City name') }),
      execute: async (input) => {
        calls.push(input)
        return TOOL_RESULT
      },
    })
    const agent = new Agent({ name: 'Weather agent', instructions: 'Answer weather questions with the get_weather tool.', model: new OpenAIResponsesModel(client as never, 'gpt-5-mini'), tools: [getWeather] })

    let finalOutput: unknown
    if (isStreaming) {
      const result = await run(agent, "What's the weather in Paris?", { stream: true })
      const types: string[] = []
      for await (const event of result) types.push(event.type)
      await result.completed
      expect(result.error ?? null).toBeNull()
      expect(types).toContain('raw_model_stream_event')
      finalOutput = result.finalOutput
    } else {
      finalOutput = (await run(agent, "What's the weather in Paris?")).finalOutput
    }

    expect(calls).toEqual([ARGUMENTS])
    const seen = upstreams[0]!.seen
    expect(seen.length).toBe(2)
    expect(seen.map((request) => request.body.stream === true)).toEqual([isStreaming, isStreaming])
    const tools = JSON.stringify(seen[0].body.tools)
    expect(tools).toContain('get_weather')
    sawToolResult[kind]!(seen[1].body)
    expect(finalOutput).toBe(FINAL_TEXT)
  })
})

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { sseResponse, startMockUpstream, type MockUpstream, type SeenRequest } from '../helpers/mock-upstream.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/**
 * A native Gemini upstream (https://ai.google.dev/api/generate-content): generateContent answers one
 * GenerateContentResponse, streamGenerateContent?alt=sse one per `data:` line. The scenario is chosen by
 * the last user turn: a functionResponse, or a word in its text.
 */
const KEY = 'g-key'
const MODEL_PATH = '/v1beta/models/gemini-2.5-flash'
const CALL_SIGNATURE = 'CiQB0e2Kb7Ub2N1ZYnMm9Q3vGx4Xk0u1hQ0A2bU6YVYl0dC2sEkKWwHR7YpvHq8='
const THOUGHT_SIGNATURE = 'EqQBCqEBAdHtim9lLvW2k0rvc5X8oZkYbxRZhVyXg8s0VGy3zC0gPS0='
const STREAM_SIGNATURE = 'EuYDCuMDAdHtim9x2x0rQm1nYvWkz9yJ8PHmYlJ9cE2Lq6b3wq0h1Xk='
const fixture = (name: string) => Bun.file(join(import.meta.dir, '..', 'fixtures', 'gemini', name)).json()

type GeminiPart = { text?: string; thought?: boolean; thoughtSignature?: string; functionCall?: { name: string; args: unknown }; functionResponse?: { name: string; response: unknown }; inlineData?: unknown; fileData?: unknown }
type GeminiContent = { role: string; parts: GeminiPart[] }
type Usage = Record<string, number>
type AnthropicError = InstanceType<typeof Anthropic.APIError>
type OpenAIError = InstanceType<typeof OpenAI.APIError>

/** One GenerateContentResponse (or one stream chunk: `finish` only on the last). */
const reply = (id: string, parts: GeminiPart[], usageMetadata: Usage, finish?: string) => ({
  candidates: [{ content: { parts, role: 'model' }, ...(finish && { finishReason: finish }), index: 0 }],
  usageMetadata,
  modelVersion: 'gemini-2.5-flash',
  responseId: id,
})

const weatherCall = { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: CALL_SIGNATURE }
const thinkingUsage = { promptTokenCount: 2100, cachedContentTokenCount: 2048, candidatesTokenCount: 4, thoughtsTokenCount: 288, totalTokenCount: 2392 }

const scenarios: Record<string, { whole: unknown; stream: unknown[] }> = {
  text: {
    whole: reply('resp-text', [{ text: 'Hello from Gemini' }], { promptTokenCount: 8, candidatesTokenCount: 4, totalTokenCount: 12 }, 'STOP'),
    stream: [
      reply('resp-text', [{ text: 'Hello' }], { promptTokenCount: 8, candidatesTokenCount: 1, totalTokenCount: 9 }),
      reply('resp-text', [{ text: ' from Gemini' }], { promptTokenCount: 8, candidatesTokenCount: 4, totalTokenCount: 12 }, 'STOP'),
    ],
  },
  weather: {
    whole: reply('resp-tool', [weatherCall], { promptTokenCount: 120, candidatesTokenCount: 30, thoughtsTokenCount: 40, totalTokenCount: 190 }, 'STOP'),
    stream: [
      reply('resp-tool', [{ text: 'I should call the weather tool.', thought: true }], { promptTokenCount: 120, thoughtsTokenCount: 40, totalTokenCount: 160 }),
      reply('resp-tool', [weatherCall], { promptTokenCount: 120, candidatesTokenCount: 30, thoughtsTokenCount: 40, totalTokenCount: 190 }, 'STOP'),
    ],
  },
  answer: {
    whole: reply('resp-answer', [{ text: 'It is 18°C in Paris.' }], { promptTokenCount: 150, candidatesTokenCount: 9, totalTokenCount: 159 }, 'STOP'),
    stream: [reply('resp-answer', [{ text: 'It is 18°C in Paris.' }], { promptTokenCount: 150, candidatesTokenCount: 9, totalTokenCount: 159 }, 'STOP')],
  },
  think: {
    whole: reply('resp-think', [{ text: 'Counting the r letters.', thought: true }, { text: 'Three.', thoughtSignature: THOUGHT_SIGNATURE }], thinkingUsage, 'STOP'),
    stream: [
      reply('resp-think', [{ text: 'Counting ', thought: true }], { promptTokenCount: 2100, cachedContentTokenCount: 2048, thoughtsTokenCount: 200, totalTokenCount: 2300 }),
      reply('resp-think', [{ text: 'the r letters.', thought: true }], { promptTokenCount: 2100, cachedContentTokenCount: 2048, thoughtsTokenCount: 288, totalTokenCount: 2388 }),
      reply('resp-think', [{ text: 'Three.' }], thinkingUsage),
      reply('resp-think', [{ text: '', thoughtSignature: STREAM_SIGNATURE }], thinkingUsage, 'STOP'),
    ],
  },
}

function lastUserParts(request: SeenRequest): GeminiPart[] {
  const contents = (request.body.contents ?? []) as GeminiContent[]
  return contents.findLast((content) => content.role === 'user')?.parts ?? []
}

async function answer(request: SeenRequest): Promise<Response> {
  if (request.headers['x-goog-api-key'] !== KEY) return Response.json(await fixture('error-invalid-key.json'), { status: 400 })
  const isStream = request.path === `${MODEL_PATH}:streamGenerateContent?alt=sse`
  if (!isStream && request.path !== `${MODEL_PATH}:generateContent`) return Response.json(await fixture('error-model-not-found.json'), { status: 404 })
  const parts = lastUserParts(request)
  const said = parts.map((part) => part.text ?? '').join(' ')
  if (said.includes('quota')) return Response.json(await fixture('error-rate-limit.json'), { status: 429 })
  const name = parts.some((part) => part.functionResponse) ? 'answer' : (['weather', 'think'].find((word) => said.includes(word)) ?? 'text')
  const scenario = scenarios[name]
  if (!isStream) return Response.json(scenario.whole)
  return sseResponse(scenario.stream.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`))
}

let upstream: MockUpstream
let gateway: RunningServer
let badKeyGateway: RunningServer

const geminiToml = (url: string, key: string) => `
[provider.gemini]
api_key = "${key}"
base_url = "${url}/v1beta"

[[backend]]
model = "gemini:gemini-2.5-flash"
context = 1000000
vision = true
thinking = true
cooldown = 0
`

beforeAll(async () => {
  upstream = startMockUpstream(answer)
  gateway = await startGateway(geminiToml(upstream.url, KEY))
  badKeyGateway = await startGateway(geminiToml(upstream.url, 'wrong-key'))
})
afterAll(async () => {
  await gateway.stop()
  await badKeyGateway.stop()
  await upstream.stop()
})

const anthropicClient = (url = gateway.url) => new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 })
const openaiClient = (url = gateway.url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 })
/**
 * A 429 may cool the backend down (Gemini's retryDelay is 37 s), so each quota request gets a gateway of
 * its own: the others keep theirs, and each quota request reaches Gemini.
 */
async function onFreshGateway<T>(send: (url: string) => Promise<T>): Promise<T> {
  const fresh = await startGateway(geminiToml(upstream.url, KEY))
  try {
    return await send(fresh.url)
  } finally {
    await fresh.stop()
  }
}
const lastSent = () => upstream.seen.at(-1)!
const sentContents = () => lastSent().body.contents as GeminiContent[]
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
const weatherTool: Anthropic.Tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
const weatherFunction: OpenAI.ChatCompletionTool = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherTool.input_schema } }

describe('the wire to Gemini', () => {
  test('generateContent at /v1beta/models/<model>, key in x-goog-api-key, system as systemInstruction', async () => {
    await anthropicClient().messages.create({ model: 'gemini:gemini-2.5-flash', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }] })
    const sent = lastSent()
    expect(sent.path).toBe(`${MODEL_PATH}:generateContent`)
    expect(sent.headers['x-goog-api-key']).toBe(KEY)
    expect(sent.headers.authorization).toBeUndefined()
    expect(sent.path).not.toContain('key=')
    expect(sent.body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] })
    expect(sent.body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }])
    expect(sent.body.generationConfig).toMatchObject({ maxOutputTokens: 100 })
    expect(sent.body.model).toBeUndefined()
  })

  test('tools become functionDeclarations with the JSON schema', async () => {
    await anthropicClient().messages.create({ model: 'claude-x', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'weather?' }] })
    expect(lastSent().body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weatherTool.input_schema }] }])
  })
})

describe('@anthropic-ai/sdk → Gemini', () => {
  test('non-streamed text with usage', async () => {
    const message = await anthropicClient().messages.create({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Hello from Gemini' }])
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage).toMatchObject({ input_tokens: 8, output_tokens: 4 })
  })

  test('streamed text through messages.stream and finalMessage()', async () => {
    const stream = anthropicClient().messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
    const texts: string[] = []
    stream.on('text', (text) => texts.push(text))
    const message = await stream.finalMessage()
    expect(lastSent().path).toBe(`${MODEL_PATH}:streamGenerateContent?alt=sse`)
    expect(texts.join('')).toBe('Hello from Gemini')
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage).toMatchObject({ input_tokens: 8, output_tokens: 4 })
  })

  test('a functionCall becomes tool_use; the follow-up carries the functionResponse by name and the call signature back', async () => {
    const first = await anthropicClient().messages.create({ model: 'claude-x', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] })
    expect(first.stop_reason).toBe('tool_use')
    const toolUse = first.content.find((block) => block.type === 'tool_use')!
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } })
    expect(toolUse.id).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(first.usage).toMatchObject({ input_tokens: 120, output_tokens: 70 })

    const second = await anthropicClient().messages.create({
      model: 'claude-x',
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C' }] },
      ],
    })
    expect(second.content as unknown).toEqual([{ type: 'text', text: 'It is 18°C in Paris.' }])
    const [, model, user] = sentContents()
    expect(model.role).toBe('model')
    expect(model.parts).toContainEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: CALL_SIGNATURE })
    expect(user).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: '18°C' } } }] })
  })

  test('streamed: thought parts become a thinking block, the functionCall a tool_use; both go back', async () => {
    const request = { model: 'claude-x', max_tokens: 2000, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, tools: [weatherTool] }
    const first = await anthropicClient().messages.stream({ ...request, messages: [{ role: 'user', content: 'weather in Paris?' }] }).finalMessage()
    expect(lastSent().body.generationConfig).toMatchObject({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } })
    expect(first.stop_reason).toBe('tool_use')
    expect(first.content[0]).toMatchObject({ type: 'thinking', thinking: 'I should call the weather tool.' })
    expect((first.content[0] as Anthropic.ThinkingBlock).signature).toStartWith('llmux:gemini:')
    const toolUse = first.content.find((block) => block.type === 'tool_use')!
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } })

    await anthropicClient().messages.stream({
      ...request,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C' }] },
      ],
    }).finalMessage()
    const [, model, user] = sentContents()
    expect(model.parts).toContainEqual({ text: 'I should call the weather tool.', thought: true })
    expect(model.parts).toContainEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: CALL_SIGNATURE })
    expect(user.parts[0]).toEqual({ functionResponse: { name: 'get_weather', response: { output: '18°C' } } })
  })

  test('non-streamed thinking: thinking block, cached and thought tokens in usage, thoughtSignature echoed on its part', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 }
    const first = await anthropicClient().messages.create({ model: 'claude-x', max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'think: how many r in strawberry?' }] })
    expect(first.content[0]).toMatchObject({ type: 'thinking', thinking: 'Counting the r letters.' })
    expect((first.content[0] as Anthropic.ThinkingBlock).signature).toStartWith('llmux:gemini:')
    expect(first.content.at(-1)).toEqual({ type: 'text', text: 'Three.' } as Anthropic.ContentBlock)
    // promptTokenCount includes the cached tokens; output counts the thoughts.
    expect(first.usage).toMatchObject({ input_tokens: 52, cache_read_input_tokens: 2048, output_tokens: 292 })

    await anthropicClient().messages.create({
      model: 'claude-x',
      max_tokens: 2000,
      thinking,
      messages: [{ role: 'user', content: 'think: how many r in strawberry?' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'and in raspberry?' }],
    })
    expect(sentContents()[1]).toEqual({ role: 'model', parts: [{ text: 'Counting the r letters.', thought: true }, { text: 'Three.', thoughtSignature: THOUGHT_SIGNATURE }] })
  })

  test('streamed thinking: thinking deltas, then text; the closing thoughtSignature goes back with the turn', async () => {
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 }
    const stream = anthropicClient().messages.stream({ model: 'claude-x', max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'think please' }] })
    const thoughts: string[] = []
    stream.on('thinking', (delta) => thoughts.push(delta))
    const first = await stream.finalMessage()
    expect(thoughts.join('')).toBe('Counting the r letters.')
    expect(first.content.filter((block) => block.type === 'text').map((block) => (block as Anthropic.TextBlock).text)).toEqual(['Three.'])
    expect(first.usage).toMatchObject({ input_tokens: 52, cache_read_input_tokens: 2048, output_tokens: 292 })

    await anthropicClient().messages.create({
      model: 'claude-x',
      max_tokens: 2000,
      thinking,
      messages: [{ role: 'user', content: 'think please' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'more' }],
    })
    const model = sentContents()[1]
    expect(model.parts).toContainEqual({ text: 'Counting the r letters.', thought: true })
    const signed = model.parts.filter((part) => part.thoughtSignature !== undefined)
    expect(signed).toHaveLength(1)
    expect(signed[0].thoughtSignature).toBe(STREAM_SIGNATURE)
    expect(signed[0].thought).toBeUndefined()
  })

  test('images become inlineData (base64) and fileData (URL)', async () => {
    await anthropicClient().messages.create({
      model: 'claude-x',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }, { type: 'text', text: 'what is this' }] }],
    })
    expect(sentContents()[0].parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
      { text: 'what is this' },
    ])
  })

  test('Gemini 429 RESOURCE_EXHAUSTED → Anthropic rate_limit_error 429, streamed or not', async () => {
    const request = { model: 'claude-x', max_tokens: 50, messages: [{ role: 'user' as const, content: 'over quota' }] }
    const whole = await onFreshGateway((url) => anthropicClient(url).messages.create(request)).catch((error: unknown) => error)
    expect(whole).toBeInstanceOf(Anthropic.RateLimitError)
    expect((whole as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })
    expect((whole as AnthropicError).message).toContain('quota')
    const streamed = await onFreshGateway((url) => anthropicClient(url).messages.stream(request).finalMessage()).catch((error: unknown) => error)
    expect(streamed).toBeInstanceOf(Anthropic.RateLimitError)
    expect((streamed as AnthropicError).message).toContain('quota')
  })

  test("Gemini's RetryInfo retryDelay reaches the client as Retry-After", async () => {
    const body = JSON.stringify({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'over quota' }] })
    const response = await onFreshGateway((url) => fetch(`${url}/v1/messages`, { method: 'POST', body }))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('37')
  })

  test('a bad Gemini key (400 API_KEY_INVALID) → authentication_error 401, not a bad request', async () => {
    const error = await anthropicClient(badKeyGateway.url).messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect((error as AnthropicError).status).toBe(401)
    expect((error as AnthropicError).error).toMatchObject({ error: { type: 'authentication_error' } })
  })
})

describe('openai SDK → Gemini', () => {
  test('non-streamed text; the system message becomes systemInstruction', async () => {
    const completion = await openaiClient().chat.completions.create({ model: 'gpt-x', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] })
    expect(completion.choices[0].message.content).toBe('Hello from Gemini')
    expect(completion.choices[0].finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 })
    expect(lastSent().body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] })
    expect(lastSent().body.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }])
  })

  test('streamed text with include_usage', async () => {
    const stream = await openaiClient().chat.completions.create({ model: 'gpt-x', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })
    let text = ''
    let usage: OpenAI.CompletionUsage | undefined | null
    let finish: string | null = null
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
      usage = chunk.usage ?? usage
    }
    expect(lastSent().path).toBe(`${MODEL_PATH}:streamGenerateContent?alt=sse`)
    expect(text).toBe('Hello from Gemini')
    expect(finish).toBe('stop')
    expect(usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 4 })
  })

  test('a functionCall becomes tool_calls; the tool message goes back as a functionResponse named after the call', async () => {
    const first = await openaiClient().chat.completions.create({ model: 'gpt-x', tools: [weatherFunction], messages: [{ role: 'user', content: 'weather in Paris?' }] })
    const choice = first.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(call.type).toBe('function')
    expect(call.function.name).toBe('get_weather')
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' })

    await openaiClient().chat.completions.create({
      model: 'gpt-x',
      tools: [weatherFunction],
      messages: [{ role: 'user', content: 'weather in Paris?' }, choice.message, { role: 'tool', tool_call_id: call.id, content: '18°C' }],
    })
    const [, model, user] = sentContents()
    // An OpenAI client cannot carry Gemini's signature back: Google's documented stand-in takes its place.
    expect(model).toEqual({ role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' }] })
    expect(user).toEqual({ role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: '18°C' } } }] })
  })

  test('streamed tool call, with the thoughts as reasoning_content', async () => {
    const stream = await openaiClient().chat.completions.create({ model: 'gpt-x', stream: true, reasoning_effort: 'low', tools: [weatherFunction], messages: [{ role: 'user', content: 'weather in Paris?' }] })
    let reasoning = ''
    const calls: { id?: string; name?: string; args: string }[] = []
    let finish: string | null = null
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }) | undefined
      reasoning += delta?.reasoning_content ?? ''
      for (const toolCall of delta?.tool_calls ?? []) {
        calls[toolCall.index] ??= { args: '' }
        calls[toolCall.index].id ??= toolCall.id
        calls[toolCall.index].name ??= toolCall.function?.name
        calls[toolCall.index].args += toolCall.function?.arguments ?? ''
      }
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(reasoning).toBe('I should call the weather tool.')
    expect(calls).toHaveLength(1)
    expect(calls[0].name).toBe('get_weather')
    expect(calls[0].id).toBeTruthy()
    expect(JSON.parse(calls[0].args)).toEqual({ city: 'Paris' })
    expect(finish).toBe('tool_calls')
  })

  test('reasoning_effort → thinkingConfig; thoughts as reasoning_content; cached and reasoning tokens in usage', async () => {
    const completion = await openaiClient().chat.completions.create({ model: 'gpt-x', reasoning_effort: 'low', messages: [{ role: 'user', content: 'think: strawberry?' }] })
    expect(lastSent().body.generationConfig).toMatchObject({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } })
    const message = completion.choices[0].message as OpenAI.ChatCompletionMessage & { reasoning_content?: string }
    expect(message.content).toBe('Three.')
    expect(message.reasoning_content).toBe('Counting the r letters.')
    expect(completion.usage).toMatchObject({
      prompt_tokens: 2100,
      completion_tokens: 292,
      prompt_tokens_details: { cached_tokens: 2048 },
      completion_tokens_details: { reasoning_tokens: 288 },
    })
  })

  test('an image_url data URL becomes inlineData', async () => {
    await openaiClient().chat.completions.create({
      model: 'gpt-x',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    })
    expect(sentContents()[0].parts).toEqual([{ text: 'what is this' }, { inlineData: { mimeType: 'image/png', data: PNG } }])
  })

  test('Gemini 429 RESOURCE_EXHAUSTED → OpenAI rate_limit_error 429, streamed or not', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'over quota' }]
    const whole = await onFreshGateway((url) => openaiClient(url).chat.completions.create({ model: 'gpt-x', messages })).catch((error: unknown) => error)
    expect(whole).toBeInstanceOf(OpenAI.RateLimitError)
    expect((whole as OpenAIError).error).toMatchObject({ type: 'rate_limit_error' })
    expect((whole as OpenAIError).message).toContain('quota')
    const streamed = await onFreshGateway((url) => openaiClient(url).chat.completions.create({ model: 'gpt-x', stream: true, messages })).catch((error: unknown) => error)
    expect(streamed).toBeInstanceOf(OpenAI.RateLimitError)
    expect((streamed as OpenAIError).message).toContain('quota')
  })
})

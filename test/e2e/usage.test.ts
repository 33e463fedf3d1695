import { describe, expect, test } from 'bun:test'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { anthropicEvents, anthropicMessage, openaiCompletion, sseResponse, type MockHandler, type SeenRequest } from '../helpers/mock-upstream.ts'
import { type Rig, rigsPerTest } from '../helpers/start-rig.ts'
import { parseMetrics, valueOf } from '../helpers/parse-metrics.ts'

/**
 * SPEC §8: what llmux records per request matches what the upstream reported, cached tokens counted
 * once; budgets and per-client limits are enforced before anything goes upstream.
 */
const rig = rigsPerTest()

// Every upstream reports 60 uncached input tokens, 40 cache reads and 20 output tokens, each in its own way.
const PRICES = 'price_input = 2\nprice_output = 10\nprice_cache_read = 0.5'
const COST_USD = (60 * 2 + 20 * 10 + 40 * 0.5) / 1_000_000

const openaiUsage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 40 } }
const openaiChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-u', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`

/** Like OpenAI: the usage chunk only when stream_options.include_usage asks for it. */
const openaiUpstream: MockHandler = (request: SeenRequest) => {
  if (request.body.stream !== true) return Response.json(openaiCompletion('Hi there', { usage: openaiUsage }))
  const wantsUsage = (request.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true
  const usage = `data: ${JSON.stringify({ id: 'chatcmpl-u', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [], usage: openaiUsage })}\n\n`
  return sseResponse([openaiChunk({ role: 'assistant', content: 'Hi' }), openaiChunk({ content: ' there' }), openaiChunk({}, 'stop'), ...(wantsUsage ? [usage] : []), 'data: [DONE]\n\n'])
}

const anthropicUsage = { input_tokens: 60, output_tokens: 20, cache_read_input_tokens: 40, cache_creation_input_tokens: 0 }
const anthropicUpstream: MockHandler = (request) => {
  if (request.body.stream !== true) return Response.json(anthropicMessage([{ type: 'text', text: 'Hi there' }], { usage: anthropicUsage }))
  const message = { id: 'msg_u', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: { ...anthropicUsage, output_tokens: 1 } }
  return sseResponse(
    anthropicEvents([
      ['message_start', { type: 'message_start', message }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi there' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } }],
      ['message_stop', { type: 'message_stop' }],
    ]),
  )
}

/** Sends one request and returns the usage the client itself was shown. */
async function send(r: Rig, client: 'openai' | 'anthropic', isStream: boolean, apiKey?: string): Promise<Record<string, unknown>> {
  const messages = [{ role: 'user' as const, content: 'hi' }]
  if (client === 'anthropic') {
    const anthropic = r.anthropic(apiKey)
    const message = isStream
      ? await anthropic.messages.stream({ model: 'claude-test', max_tokens: 50, messages }).finalMessage()
      : await anthropic.messages.create({ model: 'claude-test', max_tokens: 50, messages })
    return message.usage as unknown as Record<string, unknown>
  }
  const openai = r.openai(apiKey)
  if (!isStream) return (await openai.chat.completions.create({ model: 'gpt-test', messages })).usage as unknown as Record<string, unknown>
  // No stream_options: llmux still needs the usage, and the client gets no chunk it did not ask for.
  const stream = await openai.chat.completions.create({ model: 'gpt-test', messages, stream: true })
  let text = ''
  for await (const chunk of stream) {
    expect(chunk.choices).toHaveLength(1)
    expect(chunk.usage ?? undefined).toBeUndefined()
    text += chunk.choices[0].delta.content ?? ''
  }
  expect(text).toBe('Hi there')
  return {}
}

describe('recorded usage and cost match the upstream report', () => {
  for (const upstream of ['openai', 'anthropic'] as const) {
    for (const client of ['openai', 'anthropic'] as const) {
      for (const isStream of [false, true]) {
        test(`${client} client → ${upstream} upstream, ${isStream ? 'streamed' : 'whole'}`, async () => {
          const r = await rig([{ handler: upstream === 'openai' ? openaiUpstream : anthropicUpstream, type: upstream, toml: PRICES }])
          const shown = await send(r, client, isStream)
          if (client === 'anthropic') expect(shown).toMatchObject({ input_tokens: 60, output_tokens: 20, cache_read_input_tokens: 40 })
          if (client === 'openai' && !isStream) expect(shown).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } })
          await r.logger.waitFor(/→ 200 a:model-a/)

          const [row] = await r.gateway.gateway.store.usage({ sinceMs: 0, groupBy: 'backend' })
          expect(row).toMatchObject({ key: 'a:model-a', requests: 1, errors: 0, inputTokens: 60, outputTokens: 20, cacheReadTokens: 40, cacheWriteTokens: 0, unpricedRequests: 0 })
          expect(row.costUsd).toBeCloseTo(COST_USD, 12)

          const metrics = parseMetrics(await (await fetch(`${r.url}/metrics`)).text())
          expect(valueOf(metrics, 'llmux_tokens_total', { backend: 'a:model-a', kind: 'input' })).toBe(60)
          expect(valueOf(metrics, 'llmux_tokens_total', { backend: 'a:model-a', kind: 'cache_read' })).toBe(40)
          expect(valueOf(metrics, 'llmux_tokens_total', { backend: 'a:model-a', kind: 'output' })).toBe(20)
          expect(valueOf(metrics, 'llmux_cost_usd_total', { backend: 'a:model-a' })).toBeCloseTo(COST_USD, 12)
        })
      }
    }
  }

  test('an OpenAI stream that asks for usage gets it once, and it is recorded once', async () => {
    const r = await rig([{ handler: openaiUpstream, toml: PRICES }])
    const stream = await r.openai().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
    const usages: unknown[] = []
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage)
    expect(usages).toEqual([openaiUsage])
    await r.logger.waitFor(/→ 200 a:model-a/)
    const [row] = await r.gateway.gateway.store.usage({ sinceMs: 0, groupBy: 'backend' })
    expect(row).toMatchObject({ requests: 1, inputTokens: 60, cacheReadTokens: 40, outputTokens: 20 })
  })

  test('a backend with no price records tokens and no cost', async () => {
    const r = await rig([{ handler: openaiUpstream }])
    await send(r, 'openai', false)
    const [row] = await r.gateway.gateway.store.usage({ sinceMs: 0, groupBy: 'backend' })
    expect(row).toMatchObject({ requests: 1, inputTokens: 60, cacheReadTokens: 40, outputTokens: 20, costUsd: 0, unpricedRequests: 1 })
    const metrics = parseMetrics(await (await fetch(`${r.url}/metrics`)).text())
    expect(valueOf(metrics, 'llmux_tokens_total', { kind: 'input' })).toBe(60)
    expect(valueOf(metrics, 'llmux_cost_usd_total')).toBeUndefined()
  })
})

describe('client budgets and limits', () => {
  // 22:00 UTC: the daily budget resets two hours later.
  const startMs = Date.UTC(2031, 4, 6, 22, 0, 0)
  const team = '[tokens.team]\nkey = "team-key"\ndaily_budget = 0.000001'

  test('a reached daily budget: 429, Retry-After until midnight UTC, x-should-retry: false, in each protocol', async () => {
    const r = await rig([{ handler: openaiUpstream, toml: PRICES }], { tail: team, startMs })
    await send(r, 'openai', false, 'team-key')
    expect(r.gateway.gateway.store.spendOf('team', startMs).dayUsd).toBeCloseTo(COST_USD, 12)

    const openaiError = (await send(r, 'openai', false, 'team-key').catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>
    expect(openaiError).toBeInstanceOf(OpenAI.RateLimitError)
    expect(openaiError.code).toBe('insufficient_quota')
    expect(openaiError.type).toBe('insufficient_quota')
    expect(openaiError.message).toContain('resets at 2031-05-07T00:00:00.000Z')
    expect(openaiError.headers?.get('retry-after')).toBe('7200')
    expect(openaiError.headers?.get('x-should-retry')).toBe('false')

    const anthropicError = (await send(r, 'anthropic', true, 'team-key').catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError)
    expect((anthropicError.error as { error: { type: string; message: string } }).error).toMatchObject({ type: 'billing_error' })
    expect(anthropicError.message).toContain('resets at 2031-05-07T00:00:00.000Z')
    expect(anthropicError.headers?.get('retry-after')).toBe('7200')
    expect(anthropicError.headers?.get('x-should-retry')).toBe('false')

    expect(r.hits()).toEqual([1])
    // The next UTC day the budget is fresh.
    r.clock.ms += 2 * 3_600_000
    await send(r, 'openai', false, 'team-key')
    expect(r.hits()).toEqual([2])
  })

  test('the budget message names the budget as configured, not rounded to cents', async () => {
    const r = await rig([{ handler: openaiUpstream, toml: PRICES }], { tail: team, startMs })
    await send(r, 'openai', false, 'team-key')
    const error = (await send(r, 'openai', false, 'team-key').catch((thrown: unknown) => thrown)) as Error
    // Today it reads "reached its daily budget of $0.00", which is not the budget that was set.
    expect(error.message).toContain('daily budget of $0.000001')
  })

  test('max_per_minute on a token → 429 rate limit (retryable), upstream untouched; a minute later it passes', async () => {
    const r = await rig([{ handler: openaiUpstream }], { tail: '[tokens.bot]\nkey = "bot-key"\nmax_per_minute = 1', startMs })
    await send(r, 'openai', false, 'bot-key')
    const openaiError = (await send(r, 'openai', false, 'bot-key').catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>
    expect(openaiError).toBeInstanceOf(OpenAI.RateLimitError)
    expect(openaiError.code).toBe('rate_limit_exceeded')
    expect(openaiError.headers?.get('retry-after')).toBe('60')
    expect(openaiError.headers?.get('x-should-retry')).toBeNull()
    const anthropicError = (await send(r, 'anthropic', false, 'bot-key').catch((error: unknown) => error)) as InstanceType<typeof Anthropic.APIError>
    expect(anthropicError).toBeInstanceOf(Anthropic.RateLimitError)
    expect((anthropicError.error as { error: { type: string } }).error.type).toBe('rate_limit_error')
    expect(r.hits()).toEqual([1])
    r.clock.ms += 60_000
    await send(r, 'openai', false, 'bot-key')
    expect(r.hits()).toEqual([2])
  })
})

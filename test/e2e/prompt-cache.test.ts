import { describe, expect, test } from 'bun:test'
import { anthropicMessage, openaiStreamChunks, sseResponse, type MockHandler } from '../helpers/mock-upstream.ts'
import { parseMetrics, valueOf } from '../helpers/parse-metrics.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * SPEC §8 "Prompt-cache hygiene" and one-hour cache writes, through a real gateway: Claude Code's billing
 * block never reaches a non-Anthropic backend and reaches an Anthropic one byte for byte; Chat Completions
 * clients reach Anthropic backends with cache breakpoints; one-hour writes are priced, logged and counted.
 */
const rig = rigsPerTest()

const BILLING = 'x-anthropic-billing-header'
const capture = await Bun.file(new URL('../fixtures/claude-code/bash-tool-02-messages.request.json', import.meta.url).pathname).json()
const captureHeaders = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': capture.headers['anthropic-beta'] }

/** The captured Claude Code body, for backend `model`, as the exact text the client sends. */
const claudeCodeBody = (model: string) => JSON.stringify({ ...capture.body, model })

// Claude Code asks for adaptive thinking.
const THINKING = 'thinking = true'
const failing: MockHandler = () => Response.json({ error: { message: 'overloaded' } }, { status: 500 })

describe("Claude Code's billing block", () => {
  test('an Anthropic backend receives the client body byte for byte, billing block included', async () => {
    const r = await rig([{ type: 'anthropic', handler: () => sseResponse([capture.response]), toml: THINKING }])
    const sent = claudeCodeBody('model-a')
    const answer = await fetch(`${r.url}/v1/messages?beta=true`, { method: 'POST', headers: captureHeaders, body: sent })
    expect(answer.status).toBe(200)
    await answer.text()
    expect(r.upstreams[0]!.seen[0].bodyText).toBe(sent)
    expect(r.upstreams[0]!.seen[0].bodyText).toContain(BILLING)
  })

  test('Gemini, Responses and Chat Completions backends never see it', async () => {
    // The first two fail, so one request reaches all three backends in turn.
    const r = await rig([
      { type: 'gemini', handler: failing, toml: THINKING },
      { type: 'responses', handler: failing, toml: THINKING },
      { type: 'openai', handler: () => sseResponse(openaiStreamChunks(['ok'], { usage: true })), toml: THINKING },
    ])
    const answer = await fetch(`${r.url}/v1/messages?beta=true`, { method: 'POST', headers: captureHeaders, body: claudeCodeBody('claude-opus-4-6') })
    expect(answer.status).toBe(200)
    await answer.text()
    expect(r.hits()).toEqual([1, 1, 1])
    for (const upstream of r.upstreams) {
      const seen = upstream!.seen[0].bodyText
      expect(seen.includes(BILLING)).toBe(false)
      expect(seen.includes("You are a Claude agent, built on Anthropic's Claude Agent SDK.")).toBe(true)
    }
  })
})

describe('cache breakpoints for a Chat Completions client on an Anthropic backend', () => {
  const anthropicUpstream: MockHandler = () => Response.json(anthropicMessage([{ type: 'text', text: 'ok' }]))

  async function send(top?: string) {
    const r = await rig([{ type: 'anthropic', handler: anthropicUpstream }], { top })
    await r.openai().chat.completions.create({
      model: 'any',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is in the repo?' },
        { role: 'assistant', content: 'Some files.' },
        { role: 'user', content: 'Which ones?' },
        { role: 'assistant', content: 'a.txt' },
        { role: 'user', content: 'Read it.' },
      ],
      tools: [
        { type: 'function', function: { name: 'ls', parameters: { type: 'object', properties: {} } } },
        { type: 'function', function: { name: 'read', parameters: { type: 'object', properties: {} } } },
      ],
    })
    return r.upstreams[0]!.seen[0].body as {
      system: { cache_control?: unknown }[]
      tools: { name: string; cache_control?: unknown }[]
      messages: { content: { text: string; cache_control?: unknown }[] }[]
    }
  }

  test('four breakpoints: system, the last tool, the last two user turns', async () => {
    const body = await send()
    const ephemeral = { type: 'ephemeral' }
    expect(body.system.at(-1)!.cache_control).toEqual(ephemeral)
    expect(body.tools.map((tool) => tool.cache_control)).toEqual([undefined, ephemeral])
    const marked = body.messages.flatMap((message) => message.content.filter((block) => block.cache_control !== undefined).map((block) => block.text))
    expect(marked).toEqual(['Which ones?', 'Read it.'])
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(4)
  })

  test('cache_breakpoints = false sends none', async () => {
    const body = await send('cache_breakpoints = false')
    expect(JSON.stringify(body)).not.toContain('cache_control')
  })
})

describe('one-hour cache writes', () => {
  const usage = {
    input_tokens: 10,
    cache_creation_input_tokens: 3000,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
    output_tokens: 5,
  }

  test('priced apart, in the completion line and in /metrics', async () => {
    const r = await rig([
      {
        type: 'anthropic',
        handler: () => Response.json(anthropicMessage([{ type: 'text', text: 'ok' }], { usage })),
        toml: 'price_input = 3\nprice_output = 15\nprice_cache_write = 3.75\nprice_cache_write_1h = 6',
      },
    ])
    await r.openai().chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'hi' }] })
    const line = await r.logger.waitFor(/→ 200/)
    expect(line).toContain('cache_write=3000 cache_write_1h=2000')
    const costUsd = (10 * 3 + 5 * 15 + 1000 * 3.75 + 2000 * 6) / 1e6
    expect(line).toContain(`$${costUsd.toFixed(6)}`)
    const metrics = parseMetrics(await (await fetch(`${r.url}/metrics`)).text())
    expect(valueOf(metrics, 'llmux_tokens_total', { backend: 'a:model-a', kind: 'cache_write' })).toBe(3000)
    expect(valueOf(metrics, 'llmux_tokens_total', { backend: 'a:model-a', kind: 'cache_write_1h' })).toBe(2000)
  })
})

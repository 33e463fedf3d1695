import { describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import type { ChatRequest, Message } from '../../src/ir/index.ts'
import { withoutBillingBlock } from '../../src/ir/billing-block.ts'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
import { gemini } from '../../src/protocols/gemini/index.ts'
import { openai } from '../../src/protocols/openai/index.ts'
import { responses } from '../../src/protocols/responses/index.ts'

/** SPEC §8 "Prompt-cache hygiene": Claude Code's billing block, and cache breakpoints for Anthropic backends. */

const BILLING = 'x-anthropic-billing-header'
const capturesDir = new URL('../fixtures/claude-code/', import.meta.url).pathname
const captures = readdirSync(capturesDir).filter((name) => name.endsWith('.request.json'))
const captured = async (name: string): Promise<Record<string, unknown>> => (await Bun.file(capturesDir + name).json()).body

describe("Claude Code's billing block", () => {
  test('withoutBillingBlock removes the block, newer cch= form included, and keeps everything else', () => {
    const system = [
      { type: 'text' as const, text: 'x-anthropic-billing-header: cc_version=2.1.330.f86; cc_entrypoint=sdk-cli; cch=8a1f0;' },
      { type: 'text' as const, text: 'You are a Claude agent.' },
    ]
    expect(withoutBillingBlock(system)).toEqual([{ type: 'text', text: 'You are a Claude agent.' }])
    const plain = [{ type: 'text' as const, text: 'Talk about x-anthropic-billing-header: it is metadata.' }]
    expect(withoutBillingBlock(plain)).toBe(plain)
    expect(withoutBillingBlock([])).toEqual([])
  })

  const encoders = [
    ['openai', openai.encodeRequest],
    ['responses', responses.encodeRequest],
    ['gemini', gemini.encodeRequest],
  ] as const
  const cases = captures.flatMap((name) => encoders.map(([backend, encode]) => [name, backend, encode] as const))
  test.each(cases)('%s encoded for %s carries no billing text, and the rest of the system prompt', async (name, _backend, encode) => {
    const body = await captured(name)
    expect(JSON.stringify(body)).toContain(BILLING)
    const text = JSON.stringify(encode(anthropic.decodeRequest(body), 'm'))
    expect(text).not.toContain(BILLING)
    expect(text).toContain("You are a Claude agent, built on Anthropic's Claude Agent SDK.")
  })

  test('an Anthropic backend reached through the IR keeps it (only passthrough really goes there)', async () => {
    const body = await captured(captures[0])
    expect(JSON.stringify(anthropic.encodeRequest(anthropic.decodeRequest(body), 'm'))).toContain(BILLING)
  })
})

const text = (t: string) => ({ type: 'text' as const, text: t })

/** Three user turns (the middle one answers a tool call), a system prompt and two tools. */
function agentChat(extra: Partial<ChatRequest> = {}): ChatRequest {
  const messages: Message[] = [
    { role: 'user', content: [text('List the files.')] },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', text: 'I should run ls.', provenance: { origin: 'anthropic', token: 'sig' } },
        { type: 'tool_call', id: 'call_1', name: 'bash', arguments: '{"cmd":"ls"}' },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [text('a.txt\nb.txt')] }] },
    { role: 'assistant', content: [text('Two files.')] },
    { role: 'user', content: [text('Read a.txt.'), text('Then stop.')] },
  ]
  return {
    model: 'gpt-x',
    system: [text('You are terse.'), text('Use tools.')],
    messages,
    isStreaming: false,
    tools: [
      { kind: 'function', name: 'bash', inputSchema: { type: 'object' } },
      { kind: 'function', name: 'read', inputSchema: { type: 'object' } },
    ],
    ...extra,
  }
}

/** Every path in the encoded body that carries cache_control, e.g. "system.1", "messages.4.content.1". */
function breakpointsOf(body: unknown, path = ''): string[] {
  if (Array.isArray(body)) return body.flatMap((item, index) => breakpointsOf(item, path === '' ? String(index) : `${path}.${index}`))
  if (typeof body !== 'object' || body === null) return []
  const entries = Object.entries(body as Record<string, unknown>)
  const own = 'cache_control' in body ? [path] : []
  return [...own, ...entries.flatMap(([key, value]) => (key === 'cache_control' ? [] : breakpointsOf(value, path === '' ? key : `${path}.${key}`)))]
}

describe('cache breakpoints for an Anthropic backend', () => {
  test('last system block, last tool, last block of the last two user turns: four, all ephemeral', () => {
    const body = anthropic.encodeRequest(agentChat({ cacheBreakpoints: true }), 'claude-x')
    expect(breakpointsOf(body)).toEqual(['system.1', 'messages.2.content.0', 'messages.4.content.1', 'tools.1'])
    const system = body.system as { cache_control?: unknown }[]
    expect(system[1].cache_control).toEqual({ type: 'ephemeral' })
  })

  test('none when the flag is off or absent', () => {
    expect(breakpointsOf(anthropic.encodeRequest(agentChat({ cacheBreakpoints: false }), 'claude-x'))).toEqual([])
    expect(breakpointsOf(anthropic.encodeRequest(agentChat(), 'claude-x'))).toEqual([])
  })

  test('a short chat gets what it has: no system, no tools, one user turn', () => {
    const chat: ChatRequest = { model: 'm', system: [], messages: [{ role: 'user', content: [text('hi')] }], isStreaming: false, cacheBreakpoints: true }
    expect(breakpointsOf(anthropic.encodeRequest(chat, 'm'))).toEqual(['messages.0.content.0'])
  })

  test('the json_object instruction, added last to the system prompt, carries the system breakpoint', () => {
    const body = anthropic.encodeRequest(agentChat({ cacheBreakpoints: true, responseFormat: { type: 'json_object' } }), 'm')
    expect(breakpointsOf(body).filter((path) => path.startsWith('system'))).toEqual(['system.2'])
  })

  test('never on an assistant turn, so never on a thinking block', () => {
    const chat = agentChat({ cacheBreakpoints: true })
    const body = anthropic.encodeRequest(chat, 'm')
    const messages = body.messages as { role: string; content: { type: string; cache_control?: unknown }[] }[]
    for (const message of messages) for (const block of message.content) if (block.type === 'thinking') expect(block.cache_control).toBeUndefined()
    expect(messages.filter((message) => message.role === 'assistant').flatMap((m) => breakpointsOf(m.content))).toEqual([])
  })

  test('the IR itself is not changed by encoding', () => {
    const chat = agentChat({ cacheBreakpoints: true })
    const before = JSON.stringify(chat)
    anthropic.encodeRequest(chat, 'm')
    expect(JSON.stringify(chat)).toBe(before)
  })
})

import { describe, expect, test } from 'bun:test'
import { prefixCacheMock, type PrefixCache } from '../helpers/prefix-cache-mock.ts'
import { seededRandom } from '../helpers/seeded-random.ts'
import { rigsPerTest } from '../helpers/start-rig.ts'

/**
 * Session affinity (SPEC §5) and what it is for: three equal backends behind weighted routing, each
 * modelling a provider's prefix cache. A Claude Code-shaped session (a long system prompt whose first
 * block is Claude Code's billing header, changing every request; the whole history every turn) keeps
 * one backend, so from its second turn on nearly all its input is cached; without affinity it is
 * spread over the three and pays in full whenever it reaches a backend it has not been on yet.
 */
const rig = rigsPerTest()
const SYSTEM = 'You are Claude Code, an interactive CLI tool. '.repeat(200)
const TOOLS = Array.from({ length: 8 }, (_, i) => ({ name: `tool_${i}`, description: 'Does one thing well. '.repeat(20), input_schema: { type: 'object', properties: { arg: { type: 'string' } } } }))

async function runSession(url: string, sessionId: string, turns: number, sessionBy: 'header' | 'metadata'): Promise<string[]> {
  const messages: { role: string; content: string }[] = []
  const servedBy: string[] = []
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: `Turn ${turn}: please look at file_${turn}.ts and tell me what it does.` })
    const billing = `x-anthropic-billing-header: cc_version=2.1.330; cc_entrypoint=cli; cch=${sessionId}-${turn};`
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1000,
      system: [{ type: 'text', text: billing }, { type: 'text', text: SYSTEM }],
      tools: TOOLS,
      messages,
      ...(sessionBy === 'metadata' && { metadata: { user_id: JSON.stringify({ device_id: 'd', session_id: sessionId }) } }),
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }
    if (sessionBy === 'header') headers['x-claude-code-session-id'] = sessionId
    const answer = await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) })
    expect(answer.status).toBe(200)
    servedBy.push(answer.headers.get('x-llmux-backend') ?? '')
    const reply = (await answer.json()) as { content: { text: string }[] }
    messages.push({ role: 'assistant', content: reply.content[0].text })
  }
  return servedBy
}

/** Share of input tokens reported cached, over every request after each session's first. */
function cachedShare(mocks: PrefixCache[], firstTurns: number): number {
  const reports = mocks.flatMap((mock) => mock.reports)
  const later = reports.slice(firstTurns)
  const prompt = later.reduce((sum, [tokens]) => sum + tokens, 0)
  return later.reduce((sum, [, cached]) => sum + cached, 0) / prompt
}

async function threeBackends(affinity: boolean) {
  const mocks = [prefixCacheMock(), prefixCacheMock(), prefixCacheMock()]
  const started = await rig(mocks.map((mock) => ({ handler: mock.handler })), { top: `routing = "weighted"\naffinity = ${affinity}`, random: seededRandom(7) })
  return { ...started, mocks }
}

describe('session affinity over weighted routing', () => {
  test('a 20-turn session stays on one backend and has ≥ 90% of its input cached from turn 2 on', async () => {
    const { url, mocks, gateway } = await threeBackends(true)
    const servedBy = await runSession(url, 'sess-a', 20, 'header')
    expect(new Set(servedBy).size).toBe(1)
    // The first turn is the only cold one; the billing block (it changes every request) never reaches these backends.
    const share = cachedShare(mocks, 1)
    console.log(`affinity on: ${(100 * share).toFixed(1)}% of input tokens cached from turn 2 on`)
    expect(share).toBeGreaterThanOrEqual(0.9)
    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toContain('llmux_affinity_total{result="hit"} 19')
    expect(metrics).toContain('llmux_affinity_total{result="new"} 1')
    expect(gateway.gateway.config.isAffinityOn).toBe(true)
  })

  test('without affinity the same session is spread over the backends and pays in full on each first visit', async () => {
    const { url, mocks } = await threeBackends(false)
    const servedBy = await runSession(url, 'sess-b', 20, 'header')
    expect(new Set(servedBy).size).toBeGreaterThan(1)
    const share = cachedShare(mocks, 1)
    console.log(`affinity off: ${(100 * share).toFixed(1)}% of input tokens cached from turn 2 on`)
    // The mock's cache never expires, so only the cold first visit to each backend costs here.
    expect(share).toBeLessThan(0.95)
  })

  test("the session inside Claude Code's metadata.user_id is a key too; sessions still spread by weight", async () => {
    const { url } = await threeBackends(true)
    const firstBackends: string[] = []
    for (let i = 0; i < 30; i++) {
      const servedBy = await runSession(url, `meta-${i}`, 2, 'metadata')
      expect(servedBy[1]).toBe(servedBy[0])
      firstBackends.push(servedBy[0])
    }
    expect(new Set(firstBackends).size).toBe(3)
  })

  test("a session whose backend cools down moves, and sticks to its new backend", async () => {
    let isFirstDown = false
    const first = prefixCacheMock()
    const { url } = await rig(
      [
        { handler: (request, index) => (isFirstDown ? Response.json({ error: { message: 'overloaded' } }, { status: 503 }) : first.handler(request, index)) },
        { handler: prefixCacheMock().handler },
      ],
      { top: 'routing = "ordered"' },
    )
    const before = await runSession(url, 'sess-move', 2, 'header')
    expect(before).toEqual(['a:model-a', 'a:model-a'])
    isFirstDown = true
    const after = await runSession(url, 'sess-move', 3, 'header')
    expect(after).toEqual(['b:model-b', 'b:model-b', 'b:model-b'])
  })
})

import { describe, expect, test } from 'bun:test'
import type { ToolDefinition } from '../../src/ir/index.ts'
import { estimateTokens, TOKENS_PER_IMAGE } from '../../src/routing/estimate-tokens.ts'
import { assistant, chat, user } from './fixtures.ts'

const image = (data: string) => ({ type: 'image' as const, source: { kind: 'base64' as const, mediaType: 'image/png', data } })

describe('estimateTokens', () => {
  test('an empty request is at least 1', () => {
    expect(estimateTokens(chat([]))).toBe(1)
  })

  test('text is about four characters a token, plus framing per message', () => {
    expect(estimateTokens(chat([user('x'.repeat(4000))]))).toBe(1000 + 4)
    expect(estimateTokens(chat([], { system: [{ type: 'text', text: 'y'.repeat(400) }] }))).toBe(100)
  })

  test('a tool-heavy conversation counts schemas, calls, results and thinking', () => {
    const schema = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field_${i}`, { type: 'string', description: 'a field of the input' }])),
    }
    const tools: ToolDefinition[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'function' as const, name: `tool_${i}`, description: 'Does a useful thing. '.repeat(10), inputSchema: schema }))
    const turns = Array.from({ length: 20 }, (_, i) => [
      assistant({ type: 'thinking', text: 'Let me look at the file first. '.repeat(5), provenance: { origin: 'anthropic', token: 'sig' } }, {
        type: 'tool_call',
        id: `call_${i}`,
        name: 'tool_1',
        arguments: JSON.stringify({ path: `/src/file_${i}.ts`, pattern: 'export function' }),
      }),
      user({ type: 'tool_result', toolCallId: `call_${i}`, content: [{ type: 'text', text: 'const x = 1\n'.repeat(100) }] }),
    ]).flat()
    const request = chat([user('Refactor the project.'), ...turns], { tools })
    const estimate = estimateTokens(request)
    const toolsOnly = estimateTokens(chat([], { tools }))
    expect(toolsOnly).toBeGreaterThan(10 * 200)
    // 20 results of 1,200 characters alone are about 6,000 tokens.
    expect(estimate).toBeGreaterThan(toolsOnly + 6000)
    expect(estimate).toBeLessThan(toolsOnly + 15_000)
  })

  test('images cost a fixed amount, however large their data, including inside tool results', () => {
    const small = estimateTokens(chat([user(image('aGk='))]))
    const large = estimateTokens(chat([user(image('A'.repeat(5_000_000)))]))
    expect(large).toBe(small)
    expect(small).toBe(TOKENS_PER_IMAGE + 4)
    const inResult = chat([user({ type: 'tool_result', toolCallId: 'c', content: [image('x'), image('y')] })])
    expect(estimateTokens(inResult)).toBeGreaterThan(2 * TOKENS_PER_IMAGE)
  })
})

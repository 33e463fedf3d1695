import { describe, expect, test } from 'bun:test'
import type { ChatRequest } from '../../src/ir/index.ts'
import { needsOf } from '../../src/routing/needs.ts'
import { assistant, chat, user } from './fixtures.ts'

const tool = { kind: 'function' as const, name: 'read', inputSchema: { type: 'object' } }
const traitsOf = (request: ChatRequest) => [...needsOf(request).traits].sort()

describe('needsOf: traits', () => {
  test('tools, and short only without tools', () => {
    expect(traitsOf(chat([user('hi')], { tools: [tool] }))).toEqual(['tools'])
    expect(traitsOf(chat([user('hi')]))).toEqual(['short'])
    expect(traitsOf(chat([user('x '.repeat(100))]))).toEqual([])
  })

  test('long: more than 60k estimated tokens', () => {
    expect(needsOf(chat([user('word '.repeat(50_000))])).traits.has('long')).toBe(true)
    expect(needsOf(chat([user('word '.repeat(40_000))])).traits.has('long')).toBe(false)
  })

  test.each([
    ['a fence', 'Why does this fail?\n```\nfoo()\n```', true],
    ['a python def', 'fix this:\ndef parse(line):\n    return line', true],
    ['a const', 'what is wrong with\nconst total = items.length', true],
    ['an import', 'import os\nprint(os.getcwd())', true],
    ['braces and semicolons', 'int main() {\n  return 0;\n}', true],
    ['SQL', 'SELECT * FROM users', true],
    ['prose', 'Let me know what you think. Import the data from the usual place, then class it.', false],
    ['one semicolon', 'First this; then that.', false],
  ])('code: %s', (_name, text, isCode) => {
    expect(needsOf(chat([user(text)])).traits.has('code')).toBe(isCode)
  })

  test('code and short read the last user turn only, and its text parts only', () => {
    const earlierCode = chat([user('```js\nx()\n```'), assistant('done'), user('thanks')])
    expect(traitsOf(earlierCode)).toEqual(['short'])
    const longTurn = chat([user('a'.repeat(300)), assistant('ok'), user('b'.repeat(199))])
    expect(traitsOf(longTurn)).toEqual(['short'])
  })

  test.each([
    ['claude-3-5-haiku-20241022', true],
    ['claude-haiku-4-5', true],
    ['gpt-4o-mini', true],
    ['o4-mini', true],
    ['gpt-4.1-nano', true],
    ['gemini-2.0-flash-lite', true],
    ['mistral-small-latest', true],
    ['gemini-2.5-pro', false],
    ['claude-sonnet-4-5', false],
    ['minimax-m1', false],
  ])('background: %s → %p', (model, isBackground) => {
    expect(needsOf(chat([], { model })).traits.has('background')).toBe(isBackground)
  })
})

describe('needsOf: capabilities', () => {
  const image = { type: 'image' as const, source: { kind: 'url' as const, url: 'https://example.com/a.png' } }

  test('images anywhere, tool results included', () => {
    expect(needsOf(chat([user('look', image)])).hasImages).toBe(true)
    expect(needsOf(chat([user({ type: 'tool_result', toolCallId: 'c', content: [image] })])).hasImages).toBe(true)
    expect(needsOf(chat([user('no picture')])).hasImages).toBe(false)
  })

  test.each([
    [{ thinking: { type: 'enabled' as const, budgetTokens: 1024 } }, true],
    [{ thinking: { type: 'adaptive' as const } }, true],
    [{ thinking: { type: 'disabled' as const } }, false],
    [{ reasoningEffort: 'high' }, true],
    [{ reasoningEffort: 'none' }, false],
    [{}, false],
  ])('thinking: %j → %p', (fields, isThinking) => {
    expect(needsOf(chat([user('hi')], fields)).isThinking).toBe(isThinking)
  })

  test('model and estimate are carried', () => {
    const needs = needsOf(chat([user('x'.repeat(400))], { model: 'gpt-4o' }))
    expect(needs.model).toBe('gpt-4o')
    expect(needs.estimatedTokens).toBe(104)
  })
})

import { describe, expect, test } from 'bun:test'
import type { KeyEdits } from '../../src/config/config.ts'
import { applyKeyEdits } from '../../src/routing/key-edits.ts'

const edits = (overrides: Partial<KeyEdits>): KeyEdits => ({ rename: {}, delete: [], add: {}, ...overrides })

describe('applyKeyEdits', () => {
  const body = {
    model: 'gpt-4o',
    max_tokens: 100,
    temperature: 0.2,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ type: 'function', function: { name: 'f' } }],
    reasoning: { effort: 'low', summary: 'auto' },
  }

  test.each([
    ['rename', edits({ rename: { max_tokens: 'max_completion_tokens' } }), { max_completion_tokens: 100 }, ['max_tokens']],
    ['delete', edits({ delete: ['temperature'] }), {}, ['temperature']],
    ['add', edits({ add: { reasoning_effort: 'high' } }), { reasoning_effort: 'high' }, []],
    ['add overrides', edits({ add: { temperature: 1 } }), { temperature: 1 }, []],
    ['dotted add', edits({ add: { 'reasoning.effort': 'high' } }), { reasoning: { effort: 'high', summary: 'auto' } }, []],
    ['dotted add creates the object', edits({ add: { 'thinking.type': 'enabled' } }), { thinking: { type: 'enabled' } }, []],
    ['dotted delete', edits({ delete: ['reasoning.summary'] }), { reasoning: { effort: 'low' } }, []],
    ['dotted rename out', edits({ rename: { 'reasoning.effort': 'reasoning_effort' } }), { reasoning_effort: 'low', reasoning: { summary: 'auto' } }, []],
    ['rename of a missing key', edits({ rename: { top_k: 'k' } }), {}, []],
  ])('%s', (_name, keyEdits, expectedPart, removed) => {
    const result = applyKeyEdits(body, keyEdits)
    expect(result).toMatchObject(expectedPart)
    for (const key of removed) expect(key in result).toBe(false)
    expect(result.messages).toBe(body.messages)
  })

  test('rename, delete and add apply in that order', () => {
    const result = applyKeyEdits(body, edits({ rename: { temperature: 't' }, delete: ['t'], add: { temperature: 0.9 } }))
    expect(result).toMatchObject({ temperature: 0.9 })
    expect('t' in result).toBe(false)
  })

  test('messages, tools, system and contents are never touched', () => {
    const guarded = { ...body, system: 'be brief', contents: [] }
    const result = applyKeyEdits(
      guarded,
      edits({ rename: { messages: 'msgs', 'x.y': 'tools' }, delete: ['tools', 'system', 'messages.0'], add: { contents: 1, 'system.x': 1 } }),
    )
    expect(result).toEqual(guarded)
  })

  test('the input is never changed (it is shared across attempts)', () => {
    const before = structuredClone(body)
    applyKeyEdits(body, edits({ rename: { max_tokens: 'n' }, delete: ['reasoning.summary'], add: { 'reasoning.effort': 'high' } }))
    expect(body).toEqual(before)
  })

  test('a dotted add under a non-object leaves it alone', () => {
    expect(applyKeyEdits({ reasoning: 'x' }, edits({ add: { 'reasoning.effort': 'high' } }))).toEqual({ reasoning: 'x' })
  })
})

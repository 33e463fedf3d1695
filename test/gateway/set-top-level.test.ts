import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTopLevel } from '../../src/gateway/set-top-level.ts'

/** What parse, spread and stringify would send: the reference the splice must agree with. */
const reference = (text: string, fields: Record<string, unknown>) => ({ ...JSON.parse(text), ...fields })

describe('setTopLevel: top-level fields set in the text, every other byte kept', () => {
  test('replaces the model and keeps the rest byte for byte', () => {
    const text = '{"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}'
    expect(setTopLevel(text, { model: 'claude-sonnet-4-5-20250929' })).toBe(
      '{"model":"claude-sonnet-4-5-20250929","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}',
    )
  })

  test('appends a field the body lacks, and replaces one it has', () => {
    expect(setTopLevel('{"model":"a","stream":true}', { stream_options: { include_usage: true } })).toBe('{"model":"a","stream":true,"stream_options":{"include_usage":true}}')
    expect(setTopLevel('{"stream_options":{"x":1},"model":"a"}', { stream_options: { x: 1, include_usage: true } })).toBe('{"stream_options":{"x":1,"include_usage":true},"model":"a"}')
    expect(setTopLevel('{}', { model: 'a' })).toBe('{"model":"a"}')
    expect(setTopLevel(' { } ', { model: 'a' })).toBe(' { "model":"a"} ')
  })

  test('never touches a nested key of the same name, or the name inside a string', () => {
    const text = '{"messages":[{"role":"user","content":"set \\"model\\": {\\"x\\"} [ ] \\\\"}],"metadata":{"model":"keep"},"model":"old"}'
    const out = setTopLevel(text, { model: 'new' })!
    expect(JSON.parse(out)).toEqual(reference(text, { model: 'new' }))
    expect(out).toContain('"metadata":{"model":"keep"}')
  })

  test('pretty-printed text, escaped keys, duplicate keys, and numbers JSON.stringify would rewrite', () => {
    const pretty = '{\n  "model" : "old",\n  "n" : 12345678901234567890,\n  "f": 1.0e2\n}\n'
    const out = setTopLevel(pretty, { model: 'new' })!
    expect(out).toBe('{\n  "model" : "new",\n  "n" : 12345678901234567890,\n  "f": 1.0e2\n}\n')
    expect(JSON.parse(setTopLevel('{"mod\\u0065l":"old","x":[1,{"y":null}]}', { model: 'new' })!)).toEqual({ model: 'new', x: [1, { y: null }] })
    // A parser keeps one of two equal keys: both get the new value.
    expect(setTopLevel('{"model":"a","model":"b"}', { model: 'c' })).toBe('{"model":"c","model":"c"}')
  })

  test('text the scan does not expect is left to the caller (undefined)', () => {
    expect(setTopLevel('[1,2]', { model: 'a' })).toBeUndefined()
    expect(setTopLevel('{"model":"a"} trailing', { model: 'b' })).toBeUndefined()
    expect(setTopLevel('{"model":"a"', { model: 'b' })).toBeUndefined()
  })

  test('every captured client request agrees with parse-spread-stringify', () => {
    const root = join(import.meta.dir, '..', 'fixtures')
    let checked = 0
    for (const dir of readdirSync(root)) {
      for (const file of readdirSync(join(root, dir)).filter((name) => name.endsWith('.request.json'))) {
        const capture = JSON.parse(readFileSync(join(root, dir, file), 'utf8'))
        const body = capture.body ?? capture
        const text = typeof body === 'string' ? body : JSON.stringify(body, null, checked % 2 === 0 ? undefined : 2)
        if (typeof JSON.parse(text) !== 'object' || Array.isArray(JSON.parse(text))) continue
        const fields = { model: 'routed-model', stream_options: { include_usage: true } }
        expect(JSON.parse(setTopLevel(text, fields)!)).toEqual(reference(text, fields))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(10)
  })
})

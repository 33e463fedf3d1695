import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
import { decodeRequest, encodeRequest, encodeResponse, encodeStream } from '../../src/protocols/openai/index.ts'
import type { StreamContext } from '../../src/protocols/protocol.ts'
import { responses } from '../../src/protocols/responses/index.ts'
import { parseSse } from '../../src/sse/parse-sse.ts'

// Anthropic wire → IR → OpenAI wire, for every Anthropic fixture: requests (an Anthropic client on an
// OpenAI backend), responses and streams (an OpenAI client on an Anthropic backend).
const sourceDir = join(import.meta.dir, '../fixtures/anthropic')
const expectedDir = join(import.meta.dir, '../fixtures/translated/anthropic-to-openai')
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')
const isTranslatable = (name: string) => /\.(request|response)\.json$|\.stream\.sse$/.test(name)
const expectedNames = readdirSync(expectedDir).filter(isTranslatable).sort()
const CREATED_S = 1732000000
const context: StreamContext = { estimatedInputTokens: 0, includeUsage: true, id: 'chatcmpl-ctx', model: 'ctx-model', created: CREATED_S }

async function* once(text: string): AsyncGenerator<string> {
  yield text
}

async function translate(name: string): Promise<string | unknown> {
  const source = read(sourceDir, name)
  if (name.endsWith('.stream.sse')) {
    let out = ''
    for await (const event of encodeStream(anthropic.decodeStream(parseSse(once(source))), context)) out += event
    return out
  }
  const body: unknown = JSON.parse(source)
  if (name.endsWith('.request.json')) {
    const request = anthropic.decodeRequest(body)
    return encodeRequest(request, request.model)
  }
  return encodeResponse(anthropic.decodeResponse(body), CREATED_S)
}

describe('anthropic → openai translations', () => {
  test('every Anthropic fixture has an expected translation', () => {
    expect(readdirSync(sourceDir).filter(isTranslatable).sort()).toEqual(expectedNames)
  })

  test.each(expectedNames)('%s', async (name) => {
    const expected = read(expectedDir, name)
    const actual = await translate(name)
    if (name.endsWith('.stream.sse')) expect(actual).toBe(expected)
    else expect(actual).toEqual(JSON.parse(expected))
  })

  test.each(expectedNames.filter((name) => name.endsWith('.request.json')))('%s is a valid Chat Completions request', (name) => {
    expect(() => decodeRequest(JSON.parse(read(expectedDir, name)))).not.toThrow()
  })

  test.each(expectedNames.filter((name) => name.endsWith('.stream.sse')))('%s has no event lines and one finish or error', (name) => {
    const lines = read(expectedDir, name).split('\n').filter((line) => line !== '')
    expect(lines.every((line) => line.startsWith('data: '))).toBe(true)
    const last = lines.at(-1) ?? ''
    expect(last === 'data: [DONE]' || last.startsWith('data: {"error":')).toBe(true)
  })
})

describe('output_config.format on an OpenAI backend', () => {
  const schema = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'], additionalProperties: false }
  const request = () =>
    anthropic.decodeRequest({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Summarise.' }],
      output_config: { format: { type: 'json_schema', schema } },
    })

  // Anthropic's structured outputs are always strict; OpenAI's are strict only when asked.
  test('Chat Completions: response_format is a named, strict json_schema', () => {
    expect(encodeRequest(request(), 'gpt-5').response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: true },
    })
  })

  test('Responses: text.format is a named, strict json_schema', () => {
    const body = responses.encodeRequest(request(), 'gpt-5') as { text?: { format?: unknown } }
    expect(body.text?.format).toEqual({ type: 'json_schema', name: 'response', schema, strict: true })
  })
})

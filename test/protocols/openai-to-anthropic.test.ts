// An OpenAI client served by an Anthropic backend: the request goes OpenAI → IR → Anthropic, the answer
// comes back Anthropic → IR → OpenAI. Expected translations live in fixtures/translated/openai-to-anthropic.
import { describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { anthropic } from '../../src/protocols/anthropic/index.ts'
import { encodeResponse, openai } from '../../src/protocols/openai/index.ts'
import type { StreamContext } from '../../src/protocols/protocol.ts'
import { parseSse } from '../../src/sse/parse-sse.ts'

const fixtures = new URL('../fixtures/', import.meta.url).pathname
const expectedDir = `${fixtures}translated/openai-to-anthropic/`
const scenariosEndingWith = (suffix: string): string[] =>
  readdirSync(expectedDir).filter((name) => name.endsWith(suffix)).map((name) => name.slice(0, -suffix.length))

/** Ids and timestamps are parameters, so the expected files stay stable. */
const BACKEND_MODEL = 'claude-sonnet-4-5'
const CREATED = 1700000000
const context: StreamContext = { estimatedInputTokens: 9, includeUsage: true, id: 'chatcmpl-ctx', model: 'ctx-model', created: CREATED }

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items
}

describe('requests: OpenAI client body → Anthropic backend body', () => {
  test.each(scenariosEndingWith('.request.json'))('%s', async (scenario) => {
    const client = await Bun.file(`${fixtures}openai/${scenario}.request.json`).json()
    const expected = await Bun.file(`${expectedDir}${scenario}.request.json`).json()
    const body = anthropic.encodeRequest(openai.decodeRequest(client), BACKEND_MODEL)
    expect(body).toEqual(expected)
    // What goes upstream is a valid Messages body: it decodes, and its turns alternate.
    const roles = anthropic.decodeRequest(body).messages.map((message) => message.role)
    roles.forEach((role, i) => i > 0 && expect(role).not.toBe(roles[i - 1]))
  })

  test('reasoning from an OpenAI-side turn never reaches Anthropic', async () => {
    const client = await Bun.file(`${fixtures}openai/reasoning.request.json`).json()
    expect(JSON.stringify(anthropic.encodeRequest(openai.decodeRequest(client), BACKEND_MODEL))).not.toContain('Compare decimals')
  })
})

describe('responses: Anthropic backend answer → OpenAI client answer', () => {
  test.each(scenariosEndingWith('.response.json'))('%s', async (scenario) => {
    const upstream = await Bun.file(`${fixtures}anthropic/${scenario}.response.json`).json()
    const expected = await Bun.file(`${expectedDir}${scenario}.response.json`).json()
    expect(encodeResponse(anthropic.decodeResponse(upstream), CREATED)).toEqual(expected)
  })
})

describe('streams: Anthropic backend events → OpenAI client chunks', () => {
  test.each(scenariosEndingWith('.stream.sse'))('%s', async (scenario) => {
    const upstream = await Bun.file(`${fixtures}anthropic/${scenario}.stream.sse`).text()
    const expected = await Bun.file(`${expectedDir}${scenario}.stream.sse`).text()
    let sse = ''
    for await (const chunk of openai.encodeStream(anthropic.decodeStream(parseSse(from([upstream]))), context)) sse += chunk
    expect(sse).toBe(expected)
  })
})

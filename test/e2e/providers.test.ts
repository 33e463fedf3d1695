import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import type { RunningServer } from '../../src/server/start-server.ts'
import { openaiCompletion, openaiStreamChunks, sseResponse, startMockUpstream, type MockUpstream, type SeenRequest } from '../helpers/mock-upstream.ts'
import { runCli } from '../helpers/run-cli.ts'
import { startGateway } from '../helpers/start-gateway.ts'

/** Every provider here speaks OpenAI Chat Completions; each has its own mock so the request it got is plain to see. */
const chatAnswer = (request: SeenRequest) =>
  request.body.stream === true ? sseResponse(openaiStreamChunks(['Hi', ' there'], { usage: true })) : Response.json(openaiCompletion('Hi there'))

const names = ['azure', 'azureDefault', 'groq', 'ollama', 'lmstudio'] as const
const mocks = {} as Record<(typeof names)[number], MockUpstream>
let gateway: RunningServer

/** Providers by preset name. openrouter and mistral are cloud presets left at their own URL without a key: switched off. */
const providersToml = () => `
[provider.azure]
base_url = "${mocks.azure.url}"
api_key = "az-key"
api_version = "2024-06-01"

[provider.azure_eu]
type = "azure"
base_url = "${mocks.azureDefault.url}/openai/"
api_key = "az-eu-key"

[provider.groq]
api_key = "gsk-key"
base_url = "${mocks.groq.url}/openai/v1"
headers = { "X-Title" = "llmux" }

[provider.ollama]
base_url = "${mocks.ollama.url}/v1"

[provider.lmstudio]
base_url = "${mocks.lmstudio.url}/v1"

[provider.openrouter]
api_key = "\${OPENROUTER_KEY_THAT_IS_UNSET}"

[provider.mistral]

[[backend]]
model = "azure:gpt4o-deploy"

[[backend]]
model = "azure_eu:gpt4o-eu"

[[backend]]
model = "groq:llama-3.3-70b-versatile"

[[backend]]
model = "ollama:qwen3:8b"

[[backend]]
model = "lmstudio:qwen2.5-7b-instruct"

[[backend]]
model = "openrouter:anthropic/claude-sonnet-4"

[[backend]]
model = "mistral:mistral-large-latest"
`

beforeAll(async () => {
  for (const name of names) mocks[name] = startMockUpstream(chatAnswer)
  gateway = await startGateway(providersToml())
})
afterAll(async () => {
  await gateway.stop()
  for (const name of names) await mocks[name].stop()
})

const openaiClient = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })
const anthropicClient = () => new Anthropic({ baseURL: gateway.url, apiKey: 'unused', maxRetries: 0 })
const ask = (model: string) => openaiClient().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
const providerOf = (name: string) => gateway.gateway.config.providers[name]

describe('Azure', () => {
  test('deployment URL with api-version, key in api-key (never Authorization)', async () => {
    const completion = await ask('azure:gpt4o-deploy')
    expect(completion.choices[0].message.content).toBe('Hi there')
    const sent = mocks.azure.seen.at(-1)!
    expect(sent.path).toBe('/openai/deployments/gpt4o-deploy/chat/completions?api-version=2024-06-01')
    expect(sent.headers['api-key']).toBe('az-key')
    expect(sent.headers.authorization).toBeUndefined()
  })

  test('a base_url ending in /openai/ is not doubled, and api-version defaults to the GA version', async () => {
    await ask('azure_eu:gpt4o-eu')
    const sent = mocks.azureDefault.seen.at(-1)!
    expect(sent.path).toBe('/openai/deployments/gpt4o-eu/chat/completions?api-version=2024-10-21')
    expect(sent.headers['api-key']).toBe('az-eu-key')
  })

  test('an Anthropic client reaches the deployment, streamed', async () => {
    const message = await anthropicClient().messages.stream({ model: 'azure:gpt4o-deploy', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage()
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Hi there' }])
    const sent = mocks.azure.seen.at(-1)!
    expect(sent.path).toBe('/openai/deployments/gpt4o-deploy/chat/completions?api-version=2024-06-01')
    expect(sent.body.stream).toBe(true)
    expect(sent.headers['x-api-key']).toBeUndefined()
  })
})

describe('known provider names', () => {
  test('groq at a custom URL is type openai with Bearer auth, and its extra headers reach the upstream', async () => {
    expect(providerOf('groq')).toMatchObject({ type: 'openai', isDisabled: false })
    await ask('groq:llama-3.3-70b-versatile')
    const sent = mocks.groq.seen.at(-1)!
    expect(sent.path).toBe('/openai/v1/chat/completions')
    expect(sent.headers.authorization).toBe('Bearer gsk-key')
    expect(sent.headers['x-title']).toBe('llmux')
    expect(sent.body.model).toBe('llama-3.3-70b-versatile')
  })

  test('ollama needs no key: OpenAI-compatible /v1/chat/completions, no auth header, model id with a colon kept whole', async () => {
    expect(providerOf('ollama').type).toBe('ollama')
    const stream = await openaiClient().chat.completions.create({ model: 'ollama:qwen3:8b', stream: true, messages: [{ role: 'user', content: 'hi' }] })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Hi there')
    const sent = mocks.ollama.seen.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body.model).toBe('qwen3:8b')
    expect(sent.headers.authorization).toBeUndefined()
    expect(sent.headers['api-key']).toBeUndefined()
  })

  test('ollama serves an Anthropic client (translated)', async () => {
    const message = await anthropicClient().messages.create({ model: 'ollama:qwen3:8b', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
    expect(message.content as unknown).toEqual([{ type: 'text', text: 'Hi there' }])
    expect((mocks.ollama.seen.at(-1)!.body.messages as unknown[])[0]).toEqual({ role: 'user', content: 'hi' })
  })

  test('lmstudio likewise: type openai, no key, no auth header', async () => {
    expect(providerOf('lmstudio')).toMatchObject({ type: 'openai', isDisabled: false })
    await ask('lmstudio:qwen2.5-7b-instruct')
    const sent = mocks.lmstudio.seen.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.headers.authorization).toBeUndefined()
  })
})

describe('a cloud preset without a key is switched off', () => {
  test('it is marked off with the reason', () => {
    expect(providerOf('openrouter')).toMatchObject({ isDisabled: true, disabledReason: 'OPENROUTER_KEY_THAT_IS_UNSET is not set' })
    expect(providerOf('mistral').isDisabled).toBe(true)
  })

  test('asked for by its exact id, another backend answers', async () => {
    // Guard: the provider points at the real openrouter.ai; only send when it is off.
    expect(providerOf('openrouter').isDisabled).toBe(true)
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'openrouter:anthropic/claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-llmux-backend')).toBe('azure:gpt4o-deploy')
    expect(response.headers.get('x-llmux-attempts')).toBe('1')
  })

  test('when it is the only backend, the request gets a 400 that says why', async () => {
    const alone = await startGateway(`[provider.openrouter]\napi_key = "\${OPENROUTER_KEY_THAT_IS_UNSET}"\n[[backend]]\nmodel = "openrouter:anthropic/claude-sonnet-4"\n`)
    try {
      expect(alone.gateway.config.providers.openrouter.isDisabled).toBe(true)
      const error = await new OpenAI({ baseURL: `${alone.url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions
        .create({ model: 'openrouter:anthropic/claude-sonnet-4', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('OPENROUTER_KEY_THAT_IS_UNSET is not set')
    } finally {
      await alone.stop()
    }
  })

  test('llmux check shows it as off, and the others as ok', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmux-providers-'))
    try {
      const file = join(dir, 'providers.toml')
      writeFileSync(file, `store = "memory"\n${providersToml()}`)
      const result = await runCli(['check', file])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const rowOf = (id: string) => result.stdout.split('\n').find((line) => line.includes(id)) ?? ''
      expect(rowOf('openrouter:anthropic/claude-sonnet-4')).toContain('off: OPENROUTER_KEY_THAT_IS_UNSET is not set')
      expect(rowOf('mistral:mistral-large-latest')).toContain('off: no api_key')
      for (const id of ['azure:gpt4o-deploy', 'groq:llama-3.3-70b-versatile', 'ollama:qwen3:8b', 'lmstudio:qwen2.5-7b-instruct']) {
        expect(rowOf(id)).toMatch(/ ok\s*$/)
      }
      expect(result.stdout).toContain('5 of 7 backends routable')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('GET /v1/models', () => {
  const routable = ['azure:gpt4o-deploy', 'azure_eu:gpt4o-eu', 'groq:llama-3.3-70b-versatile', 'ollama:qwen3:8b', 'lmstudio:qwen2.5-7b-instruct']

  test('OpenAI shape through the openai SDK: routable backends by their provider:model id, switched-off ones absent', async () => {
    const models: OpenAI.Model[] = []
    for await (const model of openaiClient().models.list()) models.push(model)
    const ids = models.map((model) => model.id)
    for (const id of routable) expect(ids).toContain(id)
    // Only ids that route to their backend first are listed; a plain model name would not.
    expect(ids).not.toContain('qwen3:8b')
    expect(ids.some((id) => id.includes('openrouter') || id.includes('claude-sonnet-4') || id.includes('mistral'))).toBe(false)
    expect(models.find((model) => model.id === 'groq:llama-3.3-70b-versatile')).toMatchObject({ object: 'model', owned_by: 'groq' })
  })

  test('Anthropic shape through the Anthropic SDK (it sends anthropic-version)', async () => {
    const models: Anthropic.ModelInfo[] = []
    for await (const model of anthropicClient().models.list()) models.push(model)
    const ids = models.map((model) => model.id)
    for (const id of routable) expect(ids).toContain(id)
    expect(ids.some((id) => id.includes('openrouter'))).toBe(false)
    expect(models[0]).toMatchObject({ type: 'model', id: models[0].id, display_name: expect.any(String), created_at: expect.any(String) })
  })

  test('without anthropic-version the raw body is an OpenAI list', async () => {
    const body = (await (await fetch(`${gateway.url}/v1/models`)).json()) as { object: string; data: { object: string }[] }
    expect(body.object).toBe('list')
    expect(body.data.every((entry) => entry.object === 'model')).toBe(true)
    const anthropicBody = (await (await fetch(`${gateway.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json()) as Record<string, unknown>
    expect(anthropicBody).toMatchObject({ has_more: false, first_id: expect.any(String), last_id: expect.any(String) })
  })
})

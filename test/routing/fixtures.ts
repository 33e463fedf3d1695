import picomatch from 'picomatch'
import type { BackendConfig, ProviderConfig, Trait } from '../../src/config/config.ts'
import type { ChatRequest, ContentPart, Message } from '../../src/ir/index.ts'
import type { Needs } from '../../src/routing/needs.ts'
import type { RoutingState } from '../../src/routing/routing-state.ts'

export function provider(name: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return { name, type: 'openai', baseUrl: `https://${name}.example/v1`, authStyle: 'bearer', headers: {}, isDisabled: false, ...overrides }
}

/** A backend with generous defaults; `modelMatch` is compiled the way config loading does. */
export function backend(id: string, overrides: Partial<BackendConfig> = {}): BackendConfig {
  const colon = id.indexOf(':')
  const modelMatch = overrides.modelMatch ?? []
  return {
    id,
    index: 0,
    provider: provider(id.slice(0, colon)),
    model: id.slice(colon + 1),
    protocol: 'openai',
    context: 128_000,
    vision: false,
    thinking: false,
    limits: {},
    matchesModel: modelMatch.length > 0 ? picomatch(modelMatch, { nocase: true }) : undefined,
    modelMatch,
    when: [],
    weight: 1,
    isFallback: false,
    prices: {},
    keyEdits: { rename: {}, delete: [], add: {} },
    isEmbeddings: false,
    cooldownMs: 60_000,
    isCacheable: true,
    ...overrides,
  }
}

export function needs(overrides: Partial<Needs> = {}): Needs {
  return { estimatedTokens: 1000, hasImages: false, isThinking: false, model: 'any-model', traits: new Set<Trait>(), ...overrides }
}

export function state(attempts: Record<string, number[]> = {}, cooldowns: Record<string, number> = {}): RoutingState {
  return { attempts: new Map(Object.entries(attempts)), cooldowns: new Map(Object.entries(cooldowns)) }
}

export function chat(messages: Message[], overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'claude-sonnet-4', system: [], messages, isStreaming: false, ...overrides }
}

export function user(...content: (string | ContentPart)[]): Message {
  return { role: 'user', content: content.map((part) => (typeof part === 'string' ? { type: 'text', text: part } : part)) }
}

export function assistant(...content: (string | ContentPart)[]): Message {
  return { role: 'assistant', content: content.map((part) => (typeof part === 'string' ? { type: 'text', text: part } : part)) }
}

export { seededRandom } from '../helpers/seeded-random.ts'

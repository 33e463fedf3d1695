import picomatch from 'picomatch'
import { OPENAI_APIS, TRAITS, type BackendConfig, type ProviderConfig, type Trait } from './config.ts'
import { backendProtocolOf } from '../providers/protocol-of.ts'
import { suggestion } from './did-you-mean.ts'
import { presetOf } from '../providers/presets.ts'
import { readKeyEdits } from './read-key-edits.ts'
import {
  checkKeys, describe, expected, isTable, joinPath, NON_NEGATIVE_NUMBER, POSITIVE_INTEGER, POSITIVE_NUMBER,
  readBoolean, readChoice, readNumber, readString, readStringList, report, type Check, type Scope,
} from './read-fields.ts'

const BACKEND_KEYS = [
  'model', 'context', 'vision', 'thinking', 'max_per_minute', 'max_per_hour', 'max_per_5hours', 'max_per_day',
  'model_match', 'when', 'weight', 'fallback', 'price_input', 'price_output', 'price_cache_read', 'price_cache_write',
  'price_cache_write_1h', 'key_rename', 'key_delete', 'key_add', 'embeddings', 'cooldown', 'api',
  'cache',
]
const DEFAULT_CONTEXT = 128_000

export interface BackendContext {
  providers: Readonly<Record<string, ProviderConfig>>
  /** Every name under [provider], including ones whose table had problems (so those are not reported twice). */
  declaredProviders: readonly string[]
  defaultCooldownMs: number
  check: Check
}

/** One `[[backend]]` table; undefined when it has a problem (already reported). */
export function validateBackend(value: unknown, index: number, context: BackendContext): BackendConfig | undefined {
  const { check } = context
  const path = `backend[${index}]`
  if (!isTable(value)) return expected(check, path, 'a table ([[backend]])', value)
  const scope: Scope = { table: value, path, check }
  const problemsBefore = check.problems.length
  checkKeys(scope, BACKEND_KEYS)
  const target = readTarget(scope, context)
  const modelMatch = readStringList(scope, 'model_match') ?? []
  const backend = {
    index,
    context: readNumber(scope, 'context', POSITIVE_INTEGER) ?? DEFAULT_CONTEXT,
    vision: readBoolean(scope, 'vision') ?? false,
    thinking: readBoolean(scope, 'thinking') ?? false,
    limits: {
      maxPerMinute: readNumber(scope, 'max_per_minute', POSITIVE_INTEGER),
      maxPerHour: readNumber(scope, 'max_per_hour', POSITIVE_INTEGER),
      maxPer5Hours: readNumber(scope, 'max_per_5hours', POSITIVE_INTEGER),
      maxPerDay: readNumber(scope, 'max_per_day', POSITIVE_INTEGER),
    },
    matchesModel: compileGlobs(scope, modelMatch),
    modelMatch,
    when: readTraits(scope),
    weight: readNumber(scope, 'weight', POSITIVE_NUMBER) ?? 1,
    isFallback: readBoolean(scope, 'fallback') ?? false,
    prices: {
      input: readNumber(scope, 'price_input', NON_NEGATIVE_NUMBER),
      output: readNumber(scope, 'price_output', NON_NEGATIVE_NUMBER),
      cacheRead: readNumber(scope, 'price_cache_read', NON_NEGATIVE_NUMBER),
      cacheWrite: readNumber(scope, 'price_cache_write', NON_NEGATIVE_NUMBER),
      cacheWrite1h: readNumber(scope, 'price_cache_write_1h', NON_NEGATIVE_NUMBER),
    },
    keyEdits: readKeyEdits(scope),
    isEmbeddings: readBoolean(scope, 'embeddings') ?? false,
    cooldownMs: secondsToMs(readNumber(scope, 'cooldown', NON_NEGATIVE_NUMBER)) ?? context.defaultCooldownMs,
    isCacheable: readBoolean(scope, 'cache') ?? true,
  }
  const api = readChoice(scope, 'api', OPENAI_APIS)
  if (api !== undefined && target !== undefined && target.provider.type !== 'openai') {
    report(check, joinPath(path, 'api'), `only used with an openai-type provider ("${target.provider.name}" is ${target.provider.type})`)
  }
  if (check.problems.length > problemsBefore || target === undefined) return undefined
  return { ...target, ...backend, protocol: backendProtocolOf(target.provider, api) }
}

const secondsToMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : Math.round(seconds * 1000)

type Target = Pick<BackendConfig, 'id' | 'provider' | 'model'>

/** `model = "provider:model"`, split at the first colon: model ids may hold colons themselves. */
function readTarget(scope: Scope, context: BackendContext): Target | undefined {
  const path = joinPath(scope.path, 'model')
  const id = readString(scope, 'model')
  if (id === undefined) return scope.table.model === undefined ? expected(scope.check, path, '"provider:model"', undefined) : undefined
  const colon = id.indexOf(':')
  if (colon <= 0 || colon === id.length - 1) return expected(scope.check, path, '"provider:model"', id)
  const providerName = id.slice(0, colon)
  const provider = Object.hasOwn(context.providers, providerName) ? context.providers[providerName] : undefined
  if (provider !== undefined) return { id, provider, model: id.slice(colon + 1) }
  if (!context.declaredProviders.includes(providerName)) {
    report(scope.check, path, `provider "${providerName}" is not defined under [provider]${howToDefine(providerName, context)}`)
  }
  return undefined
}

function howToDefine(name: string, context: BackendContext): string {
  const keyEnv = presetOf(name)?.keyEnv
  if (keyEnv !== undefined) return ` (add [provider.${name}] with api_key = "\${${keyEnv}}")`
  if (presetOf(name) !== undefined) return ` (add [provider.${name}])`
  return suggestion(name, context.declaredProviders)
}

function readTraits(scope: Scope): Trait[] {
  const names = readStringList(scope, 'when') ?? []
  const isList = Array.isArray(scope.table.when)
  const traits: Trait[] = []
  names.forEach((name, i) => {
    const trait = TRAITS.find((t) => t === name)
    if (trait !== undefined) {
      traits.push(trait)
      return
    }
    const path = joinPath(scope.path, 'when') + (isList ? `[${i}]` : '')
    report(scope.check, path, `expected one of ${TRAITS.join(', ')}, got ${describe(name)}${suggestion(name, TRAITS)}`)
  })
  return traits
}

/** Globs are compiled once here, never per request; matching ignores case (SPEC §5). */
function compileGlobs(scope: Scope, globs: string[]): ((model: string) => boolean) | undefined {
  if (globs.length === 0) return undefined
  try {
    const isMatch = picomatch(globs, { nocase: true })
    return (model: string) => isMatch(model)
  } catch (error) {
    report(scope.check, joinPath(scope.path, 'model_match'), `not a valid glob (${String(error)})`)
    return undefined
  }
}

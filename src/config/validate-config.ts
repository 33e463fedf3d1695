import { existsSync } from 'node:fs'
import type { AnswerCacheConfig, BackendConfig, Config, ProviderConfig, TlsConfig } from './config.ts'
import { ConfigError } from './config-error.ts'
import { interpolateEnv, type Env } from './interpolate-env.ts'
import { validateBackend } from './validate-backend.ts'
import { validateProvider } from './validate-provider.ts'
import { validateTokens } from './validate-tokens.ts'
import { isRedisUrl, parseRedisUrl } from '../store/redis-url.ts'
import {
  checkKeys, COUNT, expected, isTable, NON_NEGATIVE_NUMBER, POSITIVE_INTEGER, POSITIVE_NUMBER, readBoolean, readChoice, readNumber,
  readString, readTable, report, type Check, type NumberRule, type Scope,
} from './read-fields.ts'

const TOP_KEYS = [
  'host', 'port', 'request_timeout', 'stream_idle_timeout', 'max_retries', 'cooldown', 'routing', 'log_level',
  'store', 'store_failure', 'affinity', 'affinity_ttl', 'max_body_mb', 'https_enabled', 'ssl_key_file', 'ssl_cert_file', 'ssl_ca_file', 'provider', 'backend',
  'tokens', 'cache_breakpoints', 'cache',
]
const CACHE_KEYS = ['ttl', 'max_entries']
/** 0 lets the system pick a free port (tests, `llmux start --port 0`). */
const PORT: NumberRule = { what: 'an integer 0-65535', accepts: (n) => Number.isInteger(n) && n >= 0 && n <= 65535 }
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
const BYTES_PER_MB = 1024 * 1024

/**
 * A parsed TOML document → a checked, defaulted Config. Fills `${VAR}` references from `env` first. Throws
 * ConfigError listing every problem by path; never returns a half-valid config.
 */
export function validateConfig(document: unknown, env: Env): Config {
  const interpolated = interpolateEnv(document, env)
  const check: Check = { problems: interpolated.problems, unsetVars: interpolated.unsetVars }
  const table = isTable(interpolated.value) ? interpolated.value : {}
  const scope: Scope = { table, path: '', check }
  checkKeys(scope, TOP_KEYS)
  const settings = readSettings(scope)
  const answerCache = readAnswerCache(scope)
  const tls = readTls(scope)
  const providers = readProviders(scope)
  const backends = readBackends(scope, providers, settings.cooldownMs)
  const tokens = validateTokens(table.tokens, check)
  if (check.problems.length > 0) throw new ConfigError(check.problems)
  return { ...settings, answerCache, tls, providers, backends, tokens }
}

type Settings = Omit<Config, 'answerCache' | 'tls' | 'providers' | 'backends' | 'tokens'>

function readSettings(scope: Scope): Settings {
  const host = readString(scope, 'host')
  if (host === '') expected(scope.check, 'host', 'a host name or address', host)
  return {
    host: host || '127.0.0.1',
    port: readNumber(scope, 'port', PORT) ?? 8082,
    requestTimeoutMs: readMs(scope, 'request_timeout', POSITIVE_NUMBER, 90),
    streamIdleTimeoutMs: readMs(scope, 'stream_idle_timeout', POSITIVE_NUMBER, 120),
    maxRetries: readNumber(scope, 'max_retries', COUNT) ?? 2,
    cooldownMs: readMs(scope, 'cooldown', NON_NEGATIVE_NUMBER, 60),
    routing: readChoice(scope, 'routing', ['ordered', 'weighted']) ?? 'ordered',
    logLevel: readChoice(scope, 'log_level', LOG_LEVELS) ?? 'info',
    store: readStore(scope),
    storeFailure: readChoice(scope, 'store_failure', ['open', 'closed']) ?? 'open',
    isAffinityOn: readBoolean(scope, 'affinity') ?? true,
    affinityTtlMs: readMs(scope, 'affinity_ttl', POSITIVE_NUMBER, 3600),
    maxBodyBytes: Math.round((readNumber(scope, 'max_body_mb', POSITIVE_NUMBER) ?? 32) * BYTES_PER_MB),
    addsCacheBreakpoints: readBoolean(scope, 'cache_breakpoints') ?? true,
  }
}

/** A duration written in seconds, returned in milliseconds. */
const readMs = (scope: Scope, key: string, rule: NumberRule, defaultSeconds: number): number =>
  Math.round((readNumber(scope, key, rule) ?? defaultSeconds) * 1000)

/** `[cache]`: the answer cache is on only when the table is there (SPEC §8). */
function readAnswerCache(parent: Scope): AnswerCacheConfig | undefined {
  const table = readTable(parent, 'cache', 'a table ([cache])')
  if (table === undefined) return undefined
  const scope: Scope = { table, path: 'cache', check: parent.check }
  checkKeys(scope, CACHE_KEYS)
  return { ttlMs: readMs(scope, 'ttl', POSITIVE_NUMBER, 300), maxEntries: readNumber(scope, 'max_entries', POSITIVE_INTEGER) ?? 10_000 }
}

/** "memory", a redis:// (or rediss://) URL, or a SQLite file path. */
function readStore(scope: Scope): string {
  const store = readString(scope, 'store')
  if (store === undefined) return 'llmux.db'
  if (isRedisUrl(store)) {
    try {
      parseRedisUrl(store)
    } catch (error) {
      // The message names the problem without the password.
      report(scope.check, 'store', (error as Error).message)
    }
    return store
  }
  const isPath = store !== '' && !store.includes('://')
  if (store === 'memory' || isPath) return store
  expected(scope.check, 'store', '"memory", a file path or a redis:// URL', store)
  return store
}

/** HTTPS needs a key and a certificate that exist; an empty path counts as none. Paths are relative to the working directory. */
function readTls(scope: Scope): TlsConfig | undefined {
  const isEnabled = readBoolean(scope, 'https_enabled') ?? false
  const keyFile = readTlsFile(scope, 'ssl_key_file', isEnabled, isEnabled)
  const certFile = readTlsFile(scope, 'ssl_cert_file', isEnabled, isEnabled)
  const caFile = readTlsFile(scope, 'ssl_ca_file', isEnabled, false)
  if (!isEnabled || keyFile === undefined || certFile === undefined) return undefined
  return caFile === undefined ? { keyFile, certFile } : { keyFile, certFile, caFile }
}

function readTlsFile(scope: Scope, key: string, isUsed: boolean, isRequired: boolean): string | undefined {
  const file = readString(scope, key) || undefined
  if (file === undefined && isRequired) expected(scope.check, key, 'a file path when https_enabled = true', file)
  if (file !== undefined && isUsed && !existsSync(file)) report(scope.check, key, `file not found: ${JSON.stringify(file)}`)
  return file
}

function readProviders(scope: Scope): Record<string, ProviderConfig> {
  const tables = readTable(scope, 'provider', 'a table of providers ([provider.NAME])') ?? {}
  const providers = Object.entries(tables).map(([name, value]) => validateProvider(name, value, scope.check))
  return Object.fromEntries(providers.filter((p) => p !== undefined).map((p) => [p.name, p]))
}

function readBackends(scope: Scope, providers: Record<string, ProviderConfig>, defaultCooldownMs: number): BackendConfig[] {
  const list = scope.table.backend
  if (!Array.isArray(list) || list.length === 0) {
    expected(scope.check, 'backend', 'at least one [[backend]]', list)
    return []
  }
  const declared = Object.keys(isTable(scope.table.provider) ? scope.table.provider : {})
  const context = { providers, declaredProviders: declared, defaultCooldownMs, check: scope.check }
  const backends: BackendConfig[] = []
  const indexOfId = new Map<string, number>()
  for (const [index, value] of list.entries()) {
    const backend = validateBackend(value, index, context)
    if (backend === undefined) continue
    const first = indexOfId.get(backend.id)
    if (first !== undefined) {
      report(scope.check, `backend[${index}].model`, `"${backend.id}" is already used by backend[${first}]`)
      continue
    }
    indexOfId.set(backend.id, index)
    backends.push(backend)
  }
  return backends
}

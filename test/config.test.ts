import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig, parseConfig, type Env } from '../src/config/load-config.ts'
import { starterConfig } from '../src/config/starter-config.ts'

const EXAMPLE = join(import.meta.dir, '..', 'config.example.toml')
const MOCK = '[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:echo"\n'

function problemsOf(toml: string, env: Env = {}): string[] {
  try {
    parseConfig(toml, env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected the config to be rejected')
}

interface AcceptedRow {
  name: string
  toml: string
  env?: Env
  expected: Record<string, unknown>
}

const accepted: AcceptedRow[] = [
  {
    name: 'defaults fill every top-level setting',
    toml: MOCK,
    expected: {
      host: '127.0.0.1', port: 8082, requestTimeoutMs: 90_000, streamIdleTimeoutMs: 120_000, maxRetries: 2,
      cooldownMs: 60_000, routing: 'ordered', logLevel: 'info', store: 'llmux.db', maxBodyBytes: 32 * 1024 * 1024,
      tls: undefined, tokens: [], addsCacheBreakpoints: true,
      providers: { mock: { name: 'mock', type: 'mock', baseUrl: '', authStyle: 'none', headers: {}, isDisabled: false } },
    },
  },
  {
    name: 'backend defaults',
    toml: MOCK,
    expected: {
      backends: [{
        id: 'mock:echo', index: 0, model: 'echo', context: 128_000, vision: false, thinking: false, limits: {},
        modelMatch: [], when: [], weight: 1, isFallback: false, prices: {}, isEmbeddings: false, cooldownMs: 60_000,
        keyEdits: { rename: {}, delete: [], add: {} },
      }],
    },
  },
  {
    name: 'seconds and megabytes become ms and bytes',
    toml: `request_timeout = 1.5\nstream_idle_timeout = 10\ncooldown = 0\nmax_body_mb = 1\nport = 0\n${MOCK}`,
    expected: { requestTimeoutMs: 1500, streamIdleTimeoutMs: 10_000, cooldownMs: 0, maxBodyBytes: 1_048_576, port: 0 },
  },
  {
    name: 'cache_breakpoints = false turns prompt-cache breakpoints off',
    toml: `cache_breakpoints = false\n${MOCK}`,
    expected: { addsCacheBreakpoints: false },
  },
  {
    name: '${VAR:-default} takes the default when VAR is unset',
    toml: `store = "\${STORE:-memory}"\nhost = "\${HOST}"\n${MOCK}`,
    env: { HOST: '10.0.0.1' },
    expected: { store: 'memory', host: '10.0.0.1' },
  },
  {
    name: '${VAR:-default} takes the default when VAR is empty, and VAR when set',
    toml: `store = "\${STORE:-memory}"\nlog_level = "\${LEVEL:-info}"\n${MOCK}`,
    env: { STORE: '', LEVEL: 'debug' },
    expected: { store: 'memory', logLevel: 'debug' },
  },
  {
    name: 'interpolation reaches nested tables and arrays, but not keys',
    toml: `[provider.x]\ntype = "openai"\nbase_url = "http://\${UP_HOST}:9000/v1"\nheaders = { "X-\${T}" = "\${T}-team" }\n` +
      `[[backend]]\nmodel = "x:m"\nmodel_match = ["\${FAMILY}-*"]\n`,
    env: { UP_HOST: '10.1.1.1', T: 'blue', FAMILY: 'gpt' },
    expected: {
      providers: { x: { baseUrl: 'http://10.1.1.1:9000/v1', headers: { 'X-${T}': 'blue-team' } } },
      backends: [{ modelMatch: ['gpt-*'] }],
    },
  },
  {
    name: 'model splits at the first colon; base_url loses its trailing slash',
    toml: '[provider.synthetic]\ntype = "openai"\nbase_url = "https://api.synthetic.new/v1/"\napi_key = "sk"\n' +
      '[[backend]]\nmodel = "synthetic:hf:zai-org/GLM-4.6"\n',
    expected: {
      providers: { synthetic: { baseUrl: 'https://api.synthetic.new/v1', authStyle: 'bearer', apiKey: 'sk' } },
      backends: [{ id: 'synthetic:hf:zai-org/GLM-4.6', model: 'hf:zai-org/GLM-4.6', provider: { name: 'synthetic' } }],
    },
  },
  {
    name: 'known names fill type, base_url and auth style',
    toml: '[provider.groq]\napi_key = "${GROQ_API_KEY}"\n[provider.anthropic]\napi_key = "a"\n[provider.gemini]\napi_key = "g"\n' +
      '[provider.azure]\napi_key = "z"\nbase_url = "https://r.openai.azure.com/openai"\napi_version = "2024-10-21"\n' +
      '[provider.ollama]\n[provider.lmstudio]\n[provider.vllm]\napi_key = "v"\n' + MOCK,
    env: { GROQ_API_KEY: 'gk' },
    expected: {
      providers: {
        groq: { type: 'openai', baseUrl: 'https://api.groq.com/openai/v1', apiKey: 'gk', authStyle: 'bearer', isDisabled: false },
        anthropic: { type: 'anthropic', baseUrl: 'https://api.anthropic.com', authStyle: 'x-api-key' },
        gemini: { type: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta', authStyle: 'x-goog-api-key' },
        azure: { type: 'azure', authStyle: 'api-key', apiVersion: '2024-10-21' },
        ollama: { type: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', authStyle: 'none', isDisabled: false },
        lmstudio: { type: 'openai', baseUrl: 'http://127.0.0.1:1234/v1', authStyle: 'none', isDisabled: false },
        vllm: { type: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', authStyle: 'bearer', apiKey: 'v' },
      },
    },
  },
  {
    name: 'preset gives an unknown name a known provider\'s defaults',
    toml: '[provider.work]\npreset = "anthropic"\napi_key = "k"\n' + MOCK,
    expected: { providers: { work: { name: 'work', type: 'anthropic', baseUrl: 'https://api.anthropic.com', authStyle: 'x-api-key' } } },
  },
  {
    name: 'a cloud provider whose key is not set is disabled, not an error',
    toml: '[provider.openai]\napi_key = "${OPENAI_API_KEY}"\n[provider.cerebras]\n[provider.xai]\napi_key = ""\n' +
      '[[backend]]\nmodel = "openai:gpt-4o"\n',
    expected: {
      providers: {
        openai: { isDisabled: true, disabledReason: 'OPENAI_API_KEY is not set', apiKey: undefined, authStyle: 'none' },
        cerebras: { isDisabled: true, disabledReason: 'no api_key (add api_key = "${CEREBRAS_API_KEY}")' },
        xai: { isDisabled: true, disabledReason: 'api_key is empty' },
      },
      backends: [{ id: 'openai:gpt-4o', provider: { name: 'openai', isDisabled: true } }],
    },
  },
  {
    name: 'a known name pointed at another URL is the user\'s own server: no key needed',
    toml: '[provider.openai]\nbase_url = "http://127.0.0.1:9999/v1"\n[[backend]]\nmodel = "openai:gpt-4o"\n',
    expected: { providers: { openai: { isDisabled: false, apiKey: undefined, authStyle: 'none' } } },
  },
  {
    name: 'every backend field',
    toml: '[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:a"\ncontext = 200000\nvision = true\nthinking = true\nmax_per_minute = 1\nmax_per_hour = 2\n' +
      'max_per_5hours = 3\nmax_per_day = 4\nwhen = ["code", "tools"]\nweight = 2.5\nfallback = true\nprice_input = 3\n' +
      'price_output = 15\nprice_cache_read = 0.3\nprice_cache_write = 0\nprice_cache_write_1h = 6\nkey_rename = { max_tokens = "max_completion_tokens" }\n' +
      'key_delete = "temperature"\nkey_add = { "reasoning.effort" = "high", n = 1 }\nembeddings = true\ncooldown = 5\n',
    expected: {
      backends: [{
        context: 200_000, vision: true, thinking: true,
        limits: { maxPerMinute: 1, maxPerHour: 2, maxPer5Hours: 3, maxPerDay: 4 },
        when: ['code', 'tools'], weight: 2.5, isFallback: true,
        prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 0, cacheWrite1h: 6 },
        keyEdits: { rename: { max_tokens: 'max_completion_tokens' }, delete: ['temperature'], add: { 'reasoning.effort': 'high', n: 1 } },
        isEmbeddings: true, cooldownMs: 5000,
      }],
    },
  },
  {
    name: 'tokens as name = "key" and as tables',
    toml: `${MOCK}[tokens]\napp = "a-secret"\n[tokens.team_a]\nkey = "\${TEAM_A_KEY}"\ndaily_budget = 5.0\nmonthly_budget = 50\n` +
      'max_per_minute = 120\nmax_per_hour = 1000\n',
    env: { TEAM_A_KEY: 'team-secret' },
    expected: {
      tokens: [
        { name: 'app', key: 'a-secret' },
        { name: 'team_a', key: 'team-secret', dailyBudget: 5, monthlyBudget: 50, maxPerMinute: 120, maxPerHour: 1000 },
      ],
    },
  },
  {
    name: 'store takes "memory", a path, or a redis URL; routing and log level choices',
    toml: `store = "redis://127.0.0.1:6379/0"\nrouting = "weighted"\nlog_level = "warn"\nmax_retries = 0\n${MOCK}`,
    expected: { store: 'redis://127.0.0.1:6379/0', routing: 'weighted', logLevel: 'warn', maxRetries: 0 },
  },
  {
    name: 'no [cache] table: the answer cache is off; backends are cacheable by default',
    toml: MOCK,
    expected: { answerCache: undefined, backends: [{ isCacheable: true }] },
  },
  {
    name: 'an empty [cache] table turns the answer cache on with its defaults',
    toml: `${MOCK}[cache]\n`,
    expected: { answerCache: { ttlMs: 300_000, maxEntries: 10_000 } },
  },
  {
    name: '[cache] ttl and max_entries; a backend with cache = false',
    toml: `${MOCK}cache = false\n[cache]\nttl = 60\nmax_entries = 500\n`,
    expected: { answerCache: { ttlMs: 60_000, maxEntries: 500 }, backends: [{ isCacheable: false }] },
  },
]

describe('parseConfig accepts', () => {
  test.each(accepted)('$name', ({ toml, env, expected }) => {
    expect(parseConfig(toml, env ?? {})).toMatchObject(expected)
  })
})

interface RejectedRow {
  name: string
  toml: string
  env?: Env
  problems: string[]
}

const rejected: RejectedRow[] = [
  {
    name: 'a bad [cache] table and a backend cache that is not a boolean',
    toml: `${MOCK}cache = "no"\n[cache]\nttl = 0\nmax_entries = 1.5\nmax_entrys = 3\n`,
    problems: [
      'cache.max_entrys: unknown key (did you mean "max_entries"?)',
      'cache.ttl: expected a positive number, got 0',
      'cache.max_entries: expected a positive integer, got 1.5',
      'backend[0].cache: expected true or false, got "no"',
    ],
  },
  {
    name: 'three mistakes at once, each by path',
    toml: 'port = "abc"\n[provider.openai]\nbase_url = "localhost:8080"\napi_key = "k"\n' +
      '[[backend]]\nmodel = "openai:a"\n[[backend]]\nmodel = "openai:b"\n[[backend]]\nmodel = "gpt-4o"\n',
    problems: [
      'port: expected an integer 0-65535, got "abc"',
      'provider.openai.base_url: expected an http(s) URL, got "localhost:8080"',
      'backend[2].model: expected "provider:model", got "gpt-4o"',
    ],
  },
  {
    name: 'unknown key in a backend, with did-you-mean',
    toml: `${MOCK}contxt = 1000\nvison = true\nfoo = 1\n`,
    problems: [
      'backend[0].contxt: unknown key (did you mean "context"?)',
      'backend[0].vison: unknown key (did you mean "vision"?)',
      'backend[0].foo: unknown key',
    ],
  },
  {
    name: 'unknown top-level keys',
    toml: `prot = 1\nbogus = true\n[[backends]]\nmodel = "mock:echo"\n[provider.mock]\ntype = "mock"\n`,
    problems: [
      'prot: unknown key (did you mean "port"?)',
      'bogus: unknown key',
      'backends: unknown key (did you mean "backend"?)',
      'backend: expected at least one [[backend]], got nothing',
    ],
  },
  {
    name: 'wrong types',
    toml: 'host = ""\nrequest_timeout = 0\nmax_retries = 1.5\nrouting = "random"\nlog_level = "verbose"\n' +
      'https_enabled = "yes"\nstore = "http://x"\n' +
      '[provider.mock]\ntype = "mock"\n[[backend]]\nmodel = "mock:echo"\ncontext = -1\nvision = "yes"\nweight = 0\n' +
      'when = ["cod", "tools"]\nmodel_match = ["gpt-*", 3]\nprice_input = -1\nkey_delete = ["messages"]\n',
    problems: [
      'host: expected a host name or address, got ""',
      'request_timeout: expected a positive number, got 0',
      'max_retries: expected an integer 0 or more, got 1.5',
      'routing: expected one of ordered, weighted, got "random"',
      'log_level: expected one of debug, info, warn, error, got "verbose"',
      'store: expected "memory", a file path or a redis:// URL, got "http://x"',
      'https_enabled: expected true or false, got "yes"',
      'backend[0].model_match[1]: expected a non-empty string, got 3',
      'backend[0].context: expected a positive integer, got -1',
      'backend[0].vision: expected true or false, got "yes"',
      'backend[0].when[0]: expected one of tools, long, code, short, background, got "cod" (did you mean "code"?)',
      'backend[0].weight: expected a positive number, got 0',
      'backend[0].price_input: expected a number 0 or more, got -1',
      'backend[0].key_delete[0]: key edits never touch messages',
    ],
  },
  {
    name: 'provider mistakes',
    toml: '[provider.local]\nbase_url = "http://127.0.0.1:1/v1"\n[provider.x]\ntype = "openia"\nbase_url = "ftp://x"\n' +
      '[provider.y]\npreset = "grok"\n[provider.azure]\napi_key = "k"\n[provider.openai]\napi_version = "1"\nheaders = { A = 1 }\n' +
      MOCK,
    problems: [
      'provider.local.type: expected one of openai, anthropic, azure, gemini, ollama, mock (or preset = "NAME"), got nothing',
      'provider.x.type: expected one of openai, anthropic, azure, gemini, ollama, mock, got "openia" (did you mean "openai"?)',
      'provider.x.base_url: expected an http(s) URL, got "ftp://x"',
      'provider.y.preset: expected one of openai, anthropic, azure, gemini, groq, together, fireworks, mistral, deepseek, ' +
        'openrouter, perplexity, deepinfra, cerebras, xai, ollama, lmstudio, vllm, got "grok" (did you mean "groq"?)',
      'provider.azure.base_url: expected an http(s) URL like "https://NAME.openai.azure.com/openai", got nothing',
      'provider.openai.headers.A: expected a string, got 1',
      'provider.openai.api_version: only used with type = "azure"',
    ],
  },
  {
    name: 'provider and backend written with the wrong TOML shape',
    toml: 'provider = "openai"\n[backend]\nmodel = "openai:gpt-4o"\n',
    problems: [
      'provider: expected a table of providers ([provider.NAME]), got "openai"',
      'backend: expected at least one [[backend]], got a table',
    ],
  },
  {
    name: 'an unset variable is named next to the problem it causes',
    toml: '[provider.x]\ntype = "openai"\nbase_url = "${X_URL}"\n[[backend]]\nmodel = "x:m"\n',
    problems: ['provider.x.base_url: expected an http(s) URL, got "" (X_URL is not set)'],
  },
  {
    name: 'a malformed ${ reference',
    toml: `store = "\${STORE"\nhost = "\${1X}"\n${MOCK}`,
    problems: [
      'store: expected ${VAR} or ${VAR:-default}, got "${STORE"',
      'host: expected ${VAR} or ${VAR:-default}, got "${1X}"',
    ],
  },
  {
    name: 'a backend whose provider is not defined',
    toml: `${MOCK}[[backend]]\nmodel = "moc:x"\n[[backend]]\nmodel = "groq:llama"\n[[backend]]\nmodel = "nobody:x"\n`,
    problems: [
      'backend[1].model: provider "moc" is not defined under [provider] (did you mean "mock"?)',
      'backend[2].model: provider "groq" is not defined under [provider] (add [provider.groq] with api_key = "${GROQ_API_KEY}")',
      'backend[3].model: provider "nobody" is not defined under [provider]',
    ],
  },
  {
    name: 'a provider with problems does not also fail its backends',
    toml: '[provider.x]\ntype = "openai"\n[[backend]]\nmodel = "x:m"\n',
    problems: ['provider.x.base_url: expected an http(s) URL, got nothing'],
  },
  {
    name: 'duplicate backends',
    toml: `${MOCK}[[backend]]\nmodel = "mock:other"\n[[backend]]\nmodel = "mock:echo"\n`,
    problems: ['backend[2].model: "mock:echo" is already used by backend[0]'],
  },
  {
    name: 'missing model, and a model with nothing after the colon',
    toml: '[provider.mock]\ntype = "mock"\n[[backend]]\ncontext = 1\n[[backend]]\nmodel = "mock:"\n',
    problems: ['backend[0].model: expected "provider:model", got nothing', 'backend[1].model: expected "provider:model", got "mock:"'],
  },
  {
    name: 'empty, unset and duplicate token keys; never showing a key',
    toml: `${MOCK}[tokens]\na = ""\nb = "same"\nc = "same"\nd = 5\n[tokens.e]\nkey = "\${E_KEY}"\n[tokens.f]\ndaily_budget = 1\n` +
      '[tokens.g]\nkey = "same"\nmax_per_hour = 0\nmontly_budget = 1\n',
    problems: [
      'tokens.a: expected a non-empty key, got ""',
      'tokens.c: the same key as tokens.b',
      'tokens.d: expected a key string or a table with key = "…", got 5',
      'tokens.e.key: expected a non-empty key, got "" (E_KEY is not set)',
      'tokens.f.key: expected a non-empty key, got nothing',
      'tokens.g.montly_budget: unknown key (did you mean "monthly_budget"?)',
      'tokens.g.max_per_hour: expected a positive integer, got 0',
    ],
  },
  {
    name: 'key edits reach one dotted level at most',
    toml: `${MOCK}key_rename = { "a.b.c" = "d" }\nkey_add = { "tools.x" = 1 }\n`,
    problems: [
      'backend[0].key_rename."a.b.c": expected a body key or one dotted level ("reasoning.effort"), got "a.b.c"',
      'backend[0].key_add."tools.x": key edits never touch tools',
    ],
  },
  {
    name: 'https without key and certificate files',
    toml: `https_enabled = true\nssl_cert_file = ""\nssl_ca_file = "/nonexistent/ca.pem"\n${MOCK}`,
    problems: [
      'ssl_key_file: expected a file path when https_enabled = true, got nothing',
      'ssl_cert_file: expected a file path when https_enabled = true, got nothing',
      'ssl_ca_file: file not found: "/nonexistent/ca.pem"',
    ],
  },
  {
    name: 'a TOML syntax error says where',
    toml: 'port = 8082\nhost = = "x"\n',
    problems: ['line 2, column 8: invalid TOML: invalid value'],
  },
]

describe('parseConfig rejects', () => {
  test.each(rejected)('$name', ({ toml, env, problems }) => {
    expect(problemsOf(toml, env)).toEqual(problems)
  })

  test('the error message is every problem, one per line', () => {
    const error = (() => {
      try {
        parseConfig('port = -1\nrouting = 1\n', {})
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect(error instanceof ConfigError && error.message).toBe(
      'port: expected an integer 0-65535, got -1\n' +
        'routing: expected one of ordered, weighted, got 1\n' +
        'backend: expected at least one [[backend]], got nothing',
    )
  })
})

describe('model_match', () => {
  test('is compiled once, matching case-insensitively', () => {
    const [backend] = parseConfig(`${MOCK}model_match = ["claude-*", "gpt-4?"]\n`, {}).backends
    expect(backend.matchesModel?.('CLAUDE-Sonnet-4-5')).toBe(true)
    expect(backend.matchesModel?.('GPT-4o')).toBe(true)
    expect(backend.matchesModel?.('gpt-4.1')).toBe(false)
    expect(backend.matchesModel?.('llama-3')).toBe(false)
  })

  test('a single string works too', () => {
    const [backend] = parseConfig(`${MOCK}model_match = "qwen*"\n`, {}).backends
    expect(backend.modelMatch).toEqual(['qwen*'])
    expect(backend.matchesModel?.('Qwen2.5-coder:7b')).toBe(true)
  })
})

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-config-'))

  test('config.example.toml loads with no keys set and ends with a mock backend', () => {
    const config = loadConfig(EXAMPLE, {})
    expect(config.host).toBe('127.0.0.1')
    expect(config.port).toBe(8082)
    expect(config.tokens).toEqual([])
    const last = config.backends[config.backends.length - 1]
    expect(last.provider.type).toBe('mock')
    const enabled = config.backends.filter((b) => !b.provider.isDisabled && b.provider.type !== 'ollama')
    expect(enabled.map((b) => b.id)).toEqual([last.id])
    expect(config.providers.openai.disabledReason).toBe('OPENAI_API_KEY is not set')
    expect(config.backends.find((b) => b.provider.name === 'ollama')?.model).toBe('qwen2.5-coder:7b')
  })

  test('config.example.toml uses the keys it is given', () => {
    const config = loadConfig(EXAMPLE, { OPENAI_API_KEY: 'sk-test' })
    expect(config.providers.openai).toMatchObject({ isDisabled: false, apiKey: 'sk-test', authStyle: 'bearer' })
  })

  test('llmux init writes config.example.toml', () => {
    expect(starterConfig).toBe(readFileSync(EXAMPLE, 'utf8'))
  })

  test('a missing file is one problem naming the file', () => {
    expect(() => loadConfig(join(dir, 'nope.toml'), {})).toThrow(`${join(dir, 'nope.toml')}: file not found`)
  })

  test('https with files that exist', () => {
    const key = join(dir, 'key.pem')
    const cert = join(dir, 'cert.pem')
    writeFileSync(key, 'k')
    writeFileSync(cert, 'c')
    const path = join(dir, 'https.toml')
    writeFileSync(path, `https_enabled = true\nssl_key_file = "${key}"\nssl_cert_file = "${cert}"\n${MOCK}`)
    expect(loadConfig(path, {}).tls).toEqual({ keyFile: key, certFile: cert })
  })

  test('command-line overrides replace the file and are checked like it', () => {
    const path = join(dir, 'plain.toml')
    writeFileSync(path, `port = 9000\n${MOCK}`)
    expect(loadConfig(path, {}, { port: 0, host: '::1' })).toMatchObject({ port: 0, host: '::1' })
    expect(() => loadConfig(path, {}, { https_enabled: true })).toThrow('ssl_key_file: expected a file path')
  })
})

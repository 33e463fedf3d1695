import { OPENAI_APIS, type ProviderConfig, type ProviderType } from './config.ts'
import { AUTH_STYLE_OF_TYPE, PRESET_NAMES, presetOf, type Preset } from '../providers/presets.ts'
import {
  checkKeys, expected, isTable, joinPath, readChoice, readString, readStringTable, report,
  type Check, type Scope,
} from './read-fields.ts'

const PROVIDER_KEYS = ['type', 'base_url', 'api_key', 'headers', 'api_version', 'preset', 'api']
export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic', 'azure', 'gemini', 'ollama', 'mock']

/** One `[provider.NAME]` table; undefined when it has a problem (already reported). */
export function validateProvider(name: string, value: unknown, check: Check): ProviderConfig | undefined {
  const path = joinPath('provider', name)
  if (!isTable(value)) return expected(check, path, 'a table ([provider.NAME])', value)
  const scope: Scope = { table: value, path, check }
  const problemsBefore = check.problems.length
  checkKeys(scope, PROVIDER_KEYS)
  const presetName = readChoice(scope, 'preset', PRESET_NAMES) ?? name
  const preset = presetOf(presetName)
  const type = readChoice(scope, 'type', PROVIDER_TYPES) ?? preset?.type
  if (type === undefined && value.type === undefined && value.preset === undefined) {
    expected(check, joinPath(path, 'type'), `one of ${PROVIDER_TYPES.join(', ')} (or preset = "NAME")`, undefined)
  }
  const baseUrl = readBaseUrl(scope, type, preset)
  const apiKey = readString(scope, 'api_key') || undefined
  const headers = readStringTable(scope, 'headers') ?? {}
  const apiVersion = readString(scope, 'api_version')
  if (apiVersion !== undefined && type !== undefined && type !== 'azure') {
    report(check, joinPath(path, 'api_version'), 'only used with type = "azure"')
  }
  const api = readChoice(scope, 'api', OPENAI_APIS)
  if (api !== undefined && type !== undefined && type !== 'openai') report(check, joinPath(path, 'api'), 'only used with type = "openai"')
  if (check.problems.length > problemsBefore || type === undefined || baseUrl === undefined) return undefined

  const disabledReason = isCloud(type, baseUrl, preset) && apiKey === undefined ? whyNoKey(scope, preset) : undefined
  return {
    name,
    type,
    baseUrl,
    apiKey,
    authStyle: apiKey === undefined ? 'none' : AUTH_STYLE_OF_TYPE[type],
    headers,
    apiVersion,
    ...(api !== undefined && { api }),
    isDisabled: disabledReason !== undefined,
    disabledReason,
  }
}

function readBaseUrl(scope: Scope, type: ProviderType | undefined, preset: Preset | undefined): string | undefined {
  const path = joinPath(scope.path, 'base_url')
  const written = readString(scope, 'base_url')
  if (written === undefined && scope.table.base_url !== undefined) return undefined
  if (written === undefined) {
    if (preset?.baseUrl !== undefined) return preset.baseUrl
    if (type === 'mock') return ''
    if (type === undefined) return undefined
    const example = type === 'azure' ? ' like "https://NAME.openai.azure.com/openai"' : ''
    return expected(scope.check, path, `an http(s) URL${example}`, undefined)
  }
  if (!isHttpUrl(written)) return expected(scope.check, path, 'an http(s) URL', written)
  return written.replace(/\/+$/, '')
}

const isHttpUrl = (text: string): boolean => {
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
}

/**
 * A known cloud provider reached at its own address. Pointed at another URL (a test server, a proxy)
 * it is the user's own server, which may need no key.
 */
const isCloud = (type: ProviderType, baseUrl: string, preset: Preset | undefined): boolean =>
  preset !== undefined && !preset.isLocal && type !== 'mock' && (preset.baseUrl === undefined || preset.baseUrl === baseUrl)

function whyNoKey(scope: Scope, preset: Preset | undefined): string {
  const unset = scope.check.unsetVars.get(joinPath(scope.path, 'api_key'))
  if (unset !== undefined) return `${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set`
  if (scope.table.api_key === undefined) {
    return preset?.keyEnv === undefined ? 'no api_key' : `no api_key (add api_key = "\${${preset.keyEnv}}")`
  }
  return 'api_key is empty'
}

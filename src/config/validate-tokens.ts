import type { ClientToken } from './config.ts'
import {
  checkKeys, expected, isTable, joinPath, NON_NEGATIVE_NUMBER, POSITIVE_INTEGER, readNumber, readString, report,
  type Check, type Scope,
} from './read-fields.ts'

const TOKEN_KEYS = ['key', 'daily_budget', 'monthly_budget', 'max_per_minute', 'max_per_hour']

/** `[tokens]`: `name = "key"` or `[tokens.name]` with key and limits. Keys are never shown in problems. */
export function validateTokens(value: unknown, check: Check): ClientToken[] {
  if (value === undefined) return []
  if (!isTable(value)) {
    expected(check, 'tokens', 'a table ([tokens])', value)
    return []
  }
  const tokens: ClientToken[] = []
  const nameOfKey = new Map<string, string>()
  for (const [name, entry] of Object.entries(value)) {
    const token = readToken(name, entry, check)
    if (token === undefined) continue
    const keyPath = isTable(entry) ? joinPath(joinPath('tokens', name), 'key') : joinPath('tokens', name)
    const owner = nameOfKey.get(token.key)
    if (owner !== undefined) {
      report(check, keyPath, `the same key as ${joinPath('tokens', owner)}`)
      continue
    }
    nameOfKey.set(token.key, name)
    tokens.push(token)
  }
  return tokens
}

function readToken(name: string, entry: unknown, check: Check): ClientToken | undefined {
  const path = joinPath('tokens', name)
  if (typeof entry === 'string') return hasKey(check, path, entry) ? { name, key: entry } : undefined
  if (!isTable(entry)) return expected(check, path, 'a key string or a table with key = "…"', entry)
  const scope: Scope = { table: entry, path, check }
  const problemsBefore = check.problems.length
  checkKeys(scope, TOKEN_KEYS)
  const key = readString(scope, 'key')
  const token = {
    name,
    dailyBudget: readNumber(scope, 'daily_budget', NON_NEGATIVE_NUMBER),
    monthlyBudget: readNumber(scope, 'monthly_budget', NON_NEGATIVE_NUMBER),
    maxPerMinute: readNumber(scope, 'max_per_minute', POSITIVE_INTEGER),
    maxPerHour: readNumber(scope, 'max_per_hour', POSITIVE_INTEGER),
  }
  if (entry.key === undefined || key !== undefined) hasKey(check, joinPath(path, 'key'), key)
  if (check.problems.length > problemsBefore || key === undefined) return undefined
  return { ...token, key }
}

/** An empty key would let anyone in, so it is an error rather than "no token". */
function hasKey(check: Check, path: string, key: string | undefined): boolean {
  if (key !== undefined && key.trim() !== '') return true
  expected(check, path, 'a non-empty key', key)
  return false
}

import { suggestion } from './did-you-mean.ts'

/** A TOML table after parsing: keys are strings, values are not yet checked. */
export type Table = Record<string, unknown>

/** Where problems collect while one config is validated. */
export interface Check {
  problems: string[]
  /** Variables that a string referenced but the environment did not set, by path (for hints). */
  unsetVars: ReadonlyMap<string, string[]>
}

/** One table being read, and the path it sits at (`backend[2]`, `provider.openai`, or "" for the top). */
export interface Scope {
  table: Table
  path: string
  check: Check
}

export interface NumberRule {
  what: string
  accepts: (n: number) => boolean
}

export const POSITIVE_INTEGER: NumberRule = { what: 'a positive integer', accepts: (n) => Number.isInteger(n) && n > 0 }
export const COUNT: NumberRule = { what: 'an integer 0 or more', accepts: (n) => Number.isInteger(n) && n >= 0 }
export const POSITIVE_NUMBER: NumberRule = { what: 'a positive number', accepts: (n) => n > 0 }
export const NON_NEGATIVE_NUMBER: NumberRule = { what: 'a number 0 or more', accepts: (n) => n >= 0 }

export const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

/** `provider.openai`, `backend[0].key_add."reasoning.effort"`: keys that are not bare TOML keys are quoted. */
export function joinPath(parent: string, key: string): string {
  const part = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)
  return parent === '' ? part : `${parent}.${part}`
}

/** How a wrong value is shown after "got": strings quoted, containers by kind. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  if (value instanceof Date) return 'a date'
  if (Array.isArray(value)) return 'an array'
  if (isTable(value)) return 'a table'
  return String(value)
}

export function report(check: Check, path: string, message: string): void {
  check.problems.push(`${path}: ${message}`)
}

export function expected(check: Check, path: string, what: string, value: unknown): undefined {
  const unset = check.unsetVars.get(path)
  const hint = unset === undefined ? '' : ` (${unset.join(', ')} ${unset.length === 1 ? 'is' : 'are'} not set)`
  report(check, path, `expected ${what}, got ${describe(value)}${hint}`)
  return undefined
}

export function checkKeys(scope: Scope, allowed: readonly string[]): void {
  for (const key of Object.keys(scope.table)) {
    if (!allowed.includes(key)) report(scope.check, joinPath(scope.path, key), `unknown key${suggestion(key, allowed)}`)
  }
}

export function readString(scope: Scope, key: string): string | undefined {
  const value = scope.table[key]
  if (value === undefined || typeof value === 'string') return value
  return expected(scope.check, joinPath(scope.path, key), 'a string', value)
}

export function readBoolean(scope: Scope, key: string): boolean | undefined {
  const value = scope.table[key]
  if (value === undefined || typeof value === 'boolean') return value
  return expected(scope.check, joinPath(scope.path, key), 'true or false', value)
}

export function readNumber(scope: Scope, key: string, rule: NumberRule): number | undefined {
  const value = scope.table[key]
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isFinite(value) && rule.accepts(value)) return value
  return expected(scope.check, joinPath(scope.path, key), rule.what, value)
}

export function readChoice<T extends string>(scope: Scope, key: string, choices: readonly T[]): T | undefined {
  const value = scope.table[key]
  if (value === undefined) return undefined
  const choice = choices.find((c) => c === value)
  if (choice !== undefined) return choice
  const hint = typeof value === 'string' ? suggestion(value, choices) : ''
  report(scope.check, joinPath(scope.path, key), `expected one of ${choices.join(', ')}, got ${describe(value)}${hint}`)
  return undefined
}

export function readTable(scope: Scope, key: string, what = 'a table'): Table | undefined {
  const value = scope.table[key]
  if (value === undefined || isTable(value)) return value
  return expected(scope.check, joinPath(scope.path, key), what, value)
}

/** A string or an array of non-empty strings, always returned as an array. */
export function readStringList(scope: Scope, key: string): string[] | undefined {
  const value = scope.table[key]
  const path = joinPath(scope.path, key)
  if (value === undefined) return undefined
  if (!Array.isArray(value) && typeof value !== 'string') {
    return expected(scope.check, path, 'a string or an array of strings', value)
  }
  const items: unknown[] = Array.isArray(value) ? value : [value]
  const strings = items.filter((item): item is string => typeof item === 'string' && item !== '')
  if (strings.length === items.length) return strings
  items.forEach((item, i) => {
    const itemPath = Array.isArray(value) ? `${path}[${i}]` : path
    if (typeof item !== 'string' || item === '') expected(scope.check, itemPath, 'a non-empty string', item)
  })
  return undefined
}

/** A table whose values are all strings (headers, key_rename). */
export function readStringTable(scope: Scope, key: string): Record<string, string> | undefined {
  const table = readTable(scope, key)
  if (table === undefined) return undefined
  const entries = Object.entries(table)
  for (const [name, value] of entries) {
    if (typeof value !== 'string') expected(scope.check, joinPath(joinPath(scope.path, key), name), 'a string', value)
  }
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

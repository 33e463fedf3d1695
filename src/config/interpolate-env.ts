import { describe, isTable, joinPath } from './read-fields.ts'

export type Env = Readonly<Record<string, string | undefined>>

export interface Interpolated {
  value: unknown
  /** Variables a string referenced without a default that the environment did not set, by path. */
  unsetVars: Map<string, string[]>
  problems: string[]
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of a parsed TOML document (keys are left
 * alone). As in a shell, the default applies when VAR is unset or empty; an unset VAR without one
 * becomes "". A `${` that is not a well-formed reference is a problem, not text.
 */
export function interpolateEnv(document: unknown, env: Env): Interpolated {
  const result: Interpolated = { value: undefined, unsetVars: new Map(), problems: [] }
  result.value = walk(document, '', env, result)
  return result
}

function walk(value: unknown, path: string, env: Env, result: Interpolated): unknown {
  if (typeof value === 'string') return interpolateString(value, path, env, result)
  if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, env, result))
  if (!isTable(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, joinPath(path, key), env, result)]))
}

function interpolateString(text: string, path: string, env: Env, result: Interpolated): string {
  if (!text.includes('${')) return text
  const unset: string[] = []
  const replaced = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const found = env[name]
    if (found !== undefined && found !== '') return found
    if (fallback !== undefined) return fallback
    unset.push(name)
    return ''
  })
  if (text.replace(REFERENCE, '').includes('${')) {
    result.problems.push(`${path}: expected \${VAR} or \${VAR:-default}, got ${describe(text)}`)
  }
  if (unset.length > 0) result.unsetVars.set(path, unset)
  return replaced
}

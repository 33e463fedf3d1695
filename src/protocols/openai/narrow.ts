import { GatewayError } from '../../errors.ts'

/** Helpers that narrow `unknown` request JSON, failing with the field path (OpenAI `param`). */

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array'
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value)
  return typeof value === 'object' ? 'an object' : String(value)
}

export function invalid(path: string, expected: string, value: unknown): GatewayError {
  return new GatewayError('invalid_request', `${path}: expected ${expected}, got ${describe(value)}`, { param: path })
}

/** `messages[0]` + `content` → `messages[0].content`; a top-level field has an empty path. */
export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalid(path, 'an object', value)
  return value
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'an array', value)
  return value
}

export function requireString(object: JsonObject, key: string, path: string): string {
  const value = object[key]
  if (typeof value !== 'string') throw invalid(fieldPath(path, key), 'a string', value)
  return value
}

/** OpenAI treats an explicit null like an absent optional field; so do these. */
export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalid(fieldPath(path, key), 'a string', value)
  return value
}

export function optionalNumber(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(fieldPath(path, key), 'a number', value)
  return value
}

export function optionalBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalid(fieldPath(path, key), 'true or false', value)
  return value
}

/** The value when it is a string, else undefined: for fields read leniently (upstream extras). */
export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

export function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

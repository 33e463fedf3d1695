// Narrowing helpers for Responses bodies: each names the field path at fault (`input[3].content[0].text`).
// A JSON null counts as absent, as the Responses API itself echoes unset fields as null.
// (A copy of anthropic/read-json.ts's core: protocols do not import each other; STYLE "next shape"
// plans one shared reader.)
import { GatewayError } from '../../errors.ts'

export type JsonObject = Record<string, unknown>

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export const pathOf = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a string'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}

export function invalid(path: string, expected: string, got: unknown): never {
  const where = path === '' ? 'request body' : path
  throw new GatewayError('invalid_request', `${where}: expected ${expected}, got ${describe(got)}`, { param: path || undefined })
}

/** A request llmux understands but cannot serve: a clear 400 naming the field. */
export function unsupported(path: string, message: string): never {
  throw new GatewayError('invalid_request', `${path}: ${message}`, { param: path })
}

export function objectAt(value: unknown, path: string): JsonObject {
  return isObject(value) ? value : invalid(path, 'an object', value)
}

export function arrayAt(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : invalid(path, 'an array', value)
}

export function stringAt(object: JsonObject, key: string, path: string): string {
  const value = object[key]
  return typeof value === 'string' ? value : invalid(pathOf(path, key), 'a string', value)
}

export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  return typeof value === 'string' ? value : invalid(pathOf(path, key), 'a string', value)
}

export function optionalNumber(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  return typeof value === 'number' && Number.isFinite(value) ? value : invalid(pathOf(path, key), 'a number', value)
}

export function optionalBoolean(object: JsonObject, key: string, path: string): boolean | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  return typeof value === 'boolean' ? value : invalid(pathOf(path, key), 'true or false', value)
}

export function optionalObject(object: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  return objectAt(value, pathOf(path, key))
}

/** Lenient reads of upstream answers: the value when it has the type, else undefined. */
export const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
export const numberOr = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

// The strict JSON reader every protocol's request decoder uses (STYLE "next shape": one strict and one
// lenient reader): each helper names the field path at fault (`messages[2].content[0].text`). A JSON null
// counts as absent, as most clients send null for "not set" (and the Responses API echoes unset fields as null).
import { GatewayError } from '../errors.ts'

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

export function optionalStrings(object: JsonObject, key: string, path: string): string[] | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  return arrayAt(value, pathOf(path, key)).map((item, i) =>
    typeof item === 'string' ? item : invalid(pathOf(pathOf(path, key), i), 'a string', item),
  )
}

/** Re-labels a request-shape error as an unusable upstream answer (decoding what a backend sent). */
export function asBadGateway(error: unknown): unknown {
  if (!(error instanceof GatewayError) || error.kind !== 'invalid_request') return error
  return new GatewayError('bad_gateway', `upstream answer: ${error.message}`)
}

/** A request llmux understands but cannot serve: a clear 400 naming the field. */
export function unsupported(path: string, message: string): never {
  throw new GatewayError('invalid_request', `${path}: ${message}`, { param: path })
}

/** Lenient reads of upstream answers: the value when it has the type, else undefined. */
export const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
export const numberOr = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

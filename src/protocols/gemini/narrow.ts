/** Lenient readers for upstream JSON: a field of the wrong type reads as absent. */

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const objectOrUndefined = (value: unknown): JsonObject | undefined => (isObject(value) ? value : undefined)

export const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

export const numberOrUndefined = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

/** The objects of an array; anything else (or a non-array) yields none. */
export const objectsOf = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : [])

/** Parses JSON text, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

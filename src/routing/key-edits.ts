import type { KeyEdits } from '../config/config.ts'

/**
 * A backend's `key_rename`, `key_delete` and `key_add` (SPEC §3), applied in that order to the body
 * that goes to it. A key names a top-level field; a dotted key ("reasoning.effort") reaches one level
 * down (split at the first dot). `add` sets the value whether or not the client sent one.
 * Returns a new object and copies only what it changes: the input may be shared by later attempts.
 */

/** The conversation and tool schemas are never edited: an edit that names them is ignored. */
const PROTECTED_KEYS = new Set(['messages', 'tools', 'contents', 'system', 'systemInstruction', 'system_instruction'])

type Body = Record<string, unknown>

export function applyKeyEdits(body: Body, edits: KeyEdits): Body {
  const result: Body = { ...body }
  for (const [from, to] of Object.entries(edits.rename)) {
    if (isProtected(from) || isProtected(to) || !has(result, from)) continue
    const value = get(result, from)
    remove(result, from)
    set(result, to, value)
  }
  for (const key of edits.delete) if (!isProtected(key)) remove(result, key)
  for (const [key, value] of Object.entries(edits.add)) if (!isProtected(key)) set(result, key, value)
  return result
}

function split(key: string): [string, string | undefined] {
  const dot = key.indexOf('.')
  return dot === -1 ? [key, undefined] : [key.slice(0, dot), key.slice(dot + 1)]
}

function isProtected(key: string): boolean {
  return PROTECTED_KEYS.has(split(key)[0])
}

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function has(body: Body, key: string): boolean {
  const [top, inner] = split(key)
  if (inner === undefined) return Object.hasOwn(body, top)
  const parent = body[top]
  return isObject(parent) && Object.hasOwn(parent, inner)
}

function get(body: Body, key: string): unknown {
  const [top, inner] = split(key)
  if (inner === undefined) return body[top]
  const parent = body[top]
  return isObject(parent) ? parent[inner] : undefined
}

/** `body` is our own copy; a nested object is copied before it changes. */
function remove(body: Body, key: string): void {
  const [top, inner] = split(key)
  if (inner === undefined) {
    delete body[top]
    return
  }
  const parent = body[top]
  if (!isObject(parent) || !Object.hasOwn(parent, inner)) return
  const copy = { ...parent }
  delete copy[inner]
  body[top] = copy
}

function set(body: Body, key: string, value: unknown): void {
  const [top, inner] = split(key)
  if (inner === undefined) {
    body[top] = value
    return
  }
  const parent = body[top]
  // A field that holds something other than an object cannot take a sub-key: left as it is.
  if (parent !== undefined && !isObject(parent)) return
  body[top] = { ...parent, [inner]: value }
}

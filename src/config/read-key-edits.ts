import type { KeyEdits } from './config.ts'
import { joinPath, readStringList, readStringTable, readTable, report, type Scope } from './read-fields.ts'

/** Request fields that key edits never touch (SPEC §3): the conversation and the tool schemas. */
const UNTOUCHABLE = ['messages', 'tools']

/** `key_rename`, `key_delete`, `key_add`: each key is a top-level body key, or one dotted level down. */
export function readKeyEdits(scope: Scope): KeyEdits {
  const rename = readStringTable(scope, 'key_rename') ?? {}
  for (const [from, to] of Object.entries(rename)) {
    const path = joinPath(joinPath(scope.path, 'key_rename'), from)
    checkBodyKey(scope, path, from)
    checkBodyKey(scope, path, to)
  }
  const deleted = readStringList(scope, 'key_delete') ?? []
  deleted.forEach((key, i) => {
    const path = joinPath(scope.path, 'key_delete') + (Array.isArray(scope.table.key_delete) ? `[${i}]` : '')
    checkBodyKey(scope, path, key)
  })
  const add = readTable(scope, 'key_add') ?? {}
  for (const key of Object.keys(add)) checkBodyKey(scope, joinPath(joinPath(scope.path, 'key_add'), key), key)
  return { rename, delete: deleted, add }
}

function checkBodyKey(scope: Scope, path: string, key: string): void {
  const parts = key.split('.')
  if (parts.length > 2 || parts.some((part) => part === '')) {
    report(scope.check, path, `expected a body key or one dotted level ("reasoning.effort"), got ${JSON.stringify(key)}`)
  } else if (UNTOUCHABLE.includes(parts[0])) {
    report(scope.check, path, `key edits never touch ${parts[0]}`)
  }
}

import type { StreamPart } from '../../ir/stream.ts'
import { isObject, numberOrUndefined, stringOrUndefined } from './narrow.ts'

interface ToolCallEntry {
  id?: string
  name?: string
  /** The IR index, set once the call has started (its name is known). */
  index?: number
  /** Arguments that arrived before the name. */
  pendingArguments: string
}

/**
 * Turns streamed `delta.tool_calls[]` items into tool_call_start / tool_call_delta parts, coping with
 * what servers actually send: id, name and arguments all in one item; arguments only in the last
 * chunk; `index` missing on later items (they continue the last call); every parallel call numbered 0
 * (a new id at a known index is a new call). IR indexes count calls from 0 in the order they start,
 * which is the wire index whenever the server numbers calls properly.
 */
export class ToolCallAssembler {
  private readonly byWireIndex = new Map<number, ToolCallEntry>()
  private last: ToolCallEntry | undefined
  private startedCount = 0

  get count(): number {
    return this.startedCount
  }

  add(raw: unknown): StreamPart[] {
    if (!isObject(raw)) return []
    const fn = isObject(raw.function) ? raw.function : {}
    const id = stringOrUndefined(raw.id) || undefined
    const entry = this.entryFor(numberOrUndefined(raw.index), id)
    entry.id ??= id
    const parts: StreamPart[] = []
    const name = stringOrUndefined(fn.name)
    if (entry.index === undefined && name) {
      entry.index = this.startedCount++
      // A server that leaves the id out still needs its result paired with the call.
      parts.push({ type: 'tool_call_start', index: entry.index, id: entry.id ?? `call_${entry.index}`, name })
      if (entry.pendingArguments !== '') parts.push({ type: 'tool_call_delta', index: entry.index, arguments: entry.pendingArguments })
      entry.pendingArguments = ''
    }
    const args = isObject(fn.arguments) ? JSON.stringify(fn.arguments) : (stringOrUndefined(fn.arguments) ?? '')
    if (args === '') return parts
    if (entry.index === undefined) entry.pendingArguments += args
    else parts.push({ type: 'tool_call_delta', index: entry.index, arguments: args })
    return parts
  }

  private entryFor(wireIndex: number | undefined, id: string | undefined): ToolCallEntry {
    let entry = wireIndex === undefined ? this.last : this.byWireIndex.get(wireIndex)
    if (entry === undefined || (id !== undefined && entry.id !== undefined && entry.id !== id)) {
      entry = { pendingArguments: '' }
      if (wireIndex !== undefined) this.byWireIndex.set(wireIndex, entry)
    }
    this.last = entry
    return entry
  }
}

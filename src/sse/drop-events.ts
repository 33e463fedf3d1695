import { type SseEvent, SseParser } from './parse-sse.ts'

/**
 * Whole SSE events (text that starts at an event and ends on a blank line) without the events that
 * `isDropped` picks; every other byte, separators included, stays as it was. Only blocks holding one of
 * `hints` are parsed, so a caller can pass the text of many events cheaply.
 */
export function dropEvents(text: string, hints: readonly string[], isDropped: (event: SseEvent) => boolean): string {
  const holdsHint = (block: string) => hints.some((hint) => block.includes(hint))
  if (!holdsHint(text)) return text
  // Blocks at even indexes, the blank-line separators after them at odd ones.
  const parts = text.split(/(\r\n\r\n|\n\n|\r\r)/)
  let out = ''
  for (let index = 0; index < parts.length; index += 2) {
    const block = parts[index]
    const separator = parts[index + 1] ?? ''
    if (holdsHint(block) && isDroppedBlock(block, isDropped)) continue
    out += block + separator
  }
  return out
}

function isDroppedBlock(block: string, isDropped: (event: SseEvent) => boolean): boolean {
  const events: SseEvent[] = []
  const parser = new SseParser((event) => events.push(event))
  parser.push(block)
  parser.end()
  return events.length === 1 && isDropped(events[0])
}

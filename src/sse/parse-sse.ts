/** One Server-Sent Event as received. `event` is absent when the stream sent no `event:` line. */
export interface SseEvent {
  event?: string
  data: string
}

/**
 * A push parser for SSE text (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Accepts LF, CRLF and CR line ends, chunks split at any byte, comments and multi-line data.
 * Used directly on the passthrough path (usage read on the side) and through parseSse elsewhere.
 */
export class SseParser {
  private buffer = ''
  private eventName: string | undefined
  private dataLines: string[] = []
  private isAfterCr = false

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    let start = 0
    if (this.isAfterCr && text.startsWith('\n')) start = 1 // the LF of a CRLF split across chunks
    this.isAfterCr = false
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code !== 10 && code !== 13) continue
      this.line(this.buffer + text.slice(start, i))
      this.buffer = ''
      if (code === 13) {
        if (i + 1 === text.length) this.isAfterCr = true
        else if (text.charCodeAt(i + 1) === 10) i++
      }
      start = i + 1
    }
    this.buffer += text.slice(start)
  }

  /** The stream ended: a final event without its blank line is still delivered. */
  end(): void {
    if (this.buffer) this.line(this.buffer)
    this.buffer = ''
    this.line('')
  }

  private line(line: string): void {
    if (line === '') {
      if (this.dataLines.length > 0 || this.eventName !== undefined) {
        const event: SseEvent = { data: this.dataLines.join('\n') }
        if (this.eventName !== undefined) event.event = this.eventName
        this.onEvent(event)
      }
      this.eventName = undefined
      this.dataLines = []
      return
    }
    if (line.charCodeAt(0) === 58) return // ":" comment
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === 'data') this.dataLines.push(value)
    else if (field === 'event') this.eventName = value
    // id and retry have no use in a gateway: ignored.
  }
}

/** Parses a byte stream into SSE events, yielding each as soon as its blank line arrives. */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = []
  const parser = new SseParser((event) => pending.push(event))
  const decoder = new TextDecoder()
  for await (const chunk of body) {
    parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    while (pending.length > 0) yield pending.shift()!
  }
  parser.push(decoder.decode())
  parser.end()
  while (pending.length > 0) yield pending.shift()!
}

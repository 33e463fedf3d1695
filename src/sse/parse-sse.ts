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
  /** The event's data so far (lines joined with \n); undefined before its first data line. */
  private data: string | undefined
  private isAfterCr = false

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    let start = 0
    if (this.isAfterCr && text.charCodeAt(0) === 10) start = 1 // the LF of a CRLF split across chunks
    this.isAfterCr = false
    // Most servers end lines with LF alone: find them with indexOf; CR (alone or in CRLF) takes the slow path.
    if (text.includes('\r')) return this.pushWithCr(text, start)
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      if (this.buffer === '') this.lineAt(text, start, end)
      else this.line(this.takeLine(text, start, end))
      start = end + 1
    }
    if (start < text.length) this.buffer += text.slice(start)
  }

  /** Nothing is half-read: the next text starts a new event (a caller may skip text it has no use for). */
  isBetweenEvents(): boolean {
    return this.buffer === '' && this.data === undefined && this.eventName === undefined && !this.isAfterCr
  }

  /** The stream ended: a final event without its blank line is still delivered. */
  end(): void {
    if (this.buffer) this.line(this.buffer)
    this.buffer = ''
    this.line('')
  }

  private pushWithCr(text: string, start: number): void {
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code !== 10 && code !== 13) continue
      this.line(this.takeLine(text, start, i))
      if (code === 13) {
        if (i + 1 === text.length) this.isAfterCr = true
        else if (text.charCodeAt(i + 1) === 10) i++
      }
      start = i + 1
    }
    if (start < text.length) this.buffer += text.slice(start)
  }

  /** The line ending at `end`, joined to what an earlier chunk left unfinished. */
  private takeLine(text: string, start: number, end: number): string {
    if (this.buffer === '') return text.slice(start, end)
    const line = this.buffer + text.slice(start, end)
    this.buffer = ''
    return line
  }

  /**
   * The line text[start, end) read in place: a blank line and a `data:` line (nearly every line of a
   * stream) without slicing the line out first; anything else goes through `line`.
   */
  private lineAt(text: string, start: number, end: number): void {
    if (start === end) return this.line('')
    if (end - start >= 5 && text.startsWith('data:', start)) {
      const from = text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5
      this.addData(text.slice(from, end))
      return
    }
    this.line(text.slice(start, end))
  }

  /** A data line's value: joined to the event's earlier data lines with \n. */
  private addData(value: string): void {
    this.data = this.data === undefined ? value : `${this.data}\n${value}`
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data !== undefined || this.eventName !== undefined) {
        const event: SseEvent = { data: this.data ?? '' }
        if (this.eventName !== undefined) event.event = this.eventName
        this.onEvent(event)
      }
      this.eventName = undefined
      this.data = undefined
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0) return // a comment
    const field = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1)
    if (field === 'data') this.addData(value)
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

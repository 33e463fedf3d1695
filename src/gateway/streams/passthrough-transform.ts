import { GatewayError } from '../../errors.ts'
import { mergeUsage } from '../../ir/usage.ts'
import type { Usage } from '../../ir/usage.ts'
import type { Protocol } from '../../protocols/protocol.ts'
import { dropEvents } from '../../sse/drop-events.ts'
import { hasMalformedDataBytes, isMalformedValue } from '../../sse/malformed-data.ts'
import { type SseEvent, SseParser } from '../../sse/parse-sse.ts'
import type { StreamEnd, StreamTransform } from './open-stream.ts'
import type { Outgoing } from './relay-stream.ts'

/**
 * Same-protocol stream: upstream bytes are forwarded as they arrive; an SSE parser reads usage, the end
 * and errors on the side, guided by the protocol's probe. Chunks that cannot hold any of them, and that
 * end on an event boundary, skip the parser (a cheap scan still checks that their data lines are JSON).
 * An event that is not JSON ends the stream with the protocol's error event instead of being relayed
 * (before the first event: a failure that can still fail over). With `dropsUsageChunk` (llmux asked for
 * usage the client did not), the usage-only event is cut out of the bytes that hold it; the rest passes as it came.
 */
const EVENT_END = Buffer.from('\n\n')
const MAX_CARRY_BYTES = 64 * 1024

export function passthroughTransform(protocol: Protocol, dropsUsageChunk: boolean): StreamTransform {
  const { probe } = protocol
  const usage: Usage = {}
  let first: SseEvent | undefined
  let isComplete = false
  let errorMessage: string | undefined
  let isBroken = false
  const usageRequest = dropsUsageChunk ? probe.usageRequest : undefined
  /**
   * Set when the parser completes the usage-only event llmux asked for. The events that go out in one
   * push are the ones the parser completed in it (or ones skimmed because they hold no marker, so no
   * usage), so only a push that sets it needs its bytes searched for the event to drop.
   */
  let hasUsageOnly = false
  const parser = new SseParser((event) => {
    if (isMalformedValue(event.data)) {
      isBroken = true
      return
    }
    first ??= event
    if (probe.isTerminal(event)) isComplete = true
    mergeUsage(usage, protocol.usageOfEvent(event))
    if (usageRequest !== undefined && usageRequest.usageMarkers.some((marker) => event.data.includes(marker)) && usageRequest.isUsageOnly(event)) hasUsageOnly = true
  })
  const text = new TextDecoder()
  const markers = bytesOf(probe.markers)
  const hasMarker = (bytes: Buffer) => markers.some((marker) => bytes.indexOf(marker) !== -1)
  /**
   * Bytes after the last event boundary that the parser has not seen: chunks without a marker are
   * never decoded (the bulk of a long answer), only their tail is kept until the event it begins ends.
   */
  let carry: Buffer | undefined
  const parse = (bytes: Uint8Array) => parser.push(text.decode(bytes, { stream: true }))
  /** A chunk while the parser stands between events: parsed when it holds a marker, else only scanned. */
  const skim = (bytes: Buffer, boundary: number): void => {
    const before = carry
    carry = undefined
    // Only the held start of an event is joined to this chunk's first line (for the scans across the seam).
    const firstLineEnd = bytes.indexOf(10)
    const seam = before === undefined ? undefined : Buffer.concat([before, bytes.subarray(0, firstLineEnd === -1 ? bytes.length : firstLineEnd + 1)])
    const isLarge = (before?.length ?? 0) + bytes.length > MAX_CARRY_BYTES && boundary === -1
    // A CRLF stream has no \n\n boundaries: past this size the parser takes over rather than the carry growing.
    if (hasMarker(bytes) || (seam !== undefined && hasMarker(seam)) || isLarge) return parse(before === undefined ? bytes : Buffer.concat([before, bytes]))
    if (boundary === -1) {
      carry = before === undefined ? Buffer.from(bytes) : Buffer.concat([before, bytes])
      return
    }
    const complete = boundary + EVENT_END.length
    if ((seam !== undefined && seamIsMalformed(seam)) || hasMalformedDataBytes(bytes.subarray(0, complete))) isBroken = true
    if (complete < bytes.length) carry = Buffer.from(bytes.subarray(complete))
  }
  /** The parser is inside an event: it gets the chunk up to where that event ends, the rest is skimmed. */
  const finishEvent = (bytes: Buffer, boundary: number): void => {
    const end = bytes.indexOf(EVENT_END)
    if (end === -1) return parse(bytes)
    const restStart = end + EVENT_END.length
    parse(bytes.subarray(0, restStart))
    const rest = bytes.subarray(restStart)
    if (rest.length === 0) return
    if (parser.isBetweenEvents()) skim(rest, boundary < restStart ? -1 : boundary - restStart)
    else parse(rest)
  }
  /**
   * Before the first event: the parser reads event by event until it has one, and the rest of the chunk
   * is skimmed like any other (a fast upstream's first chunk can hold a large part of the answer).
   */
  const parseFirst = (bytes: Buffer, boundary: number): void => {
    let from = 0
    while (first === undefined && !isBroken) {
      const end = bytes.indexOf(EVENT_END, from)
      if (end === -1) return parse(from === 0 ? bytes : bytes.subarray(from))
      parse(bytes.subarray(from, end + EVENT_END.length))
      from = end + EVENT_END.length
    }
    if (from === bytes.length || isBroken) return
    const rest = bytes.subarray(from)
    if (parser.isBetweenEvents()) skim(rest, boundary < from ? -1 : boundary - from)
    else parse(rest)
  }
  const whole = new WholeEvents()
  /** Whole events on their way out, without the usage-only one llmux asked for (decoded only when the parser saw it). */
  const withoutUsageOnly = (out: Outgoing): Outgoing => {
    if (usageRequest === undefined || !hasUsageOnly) return out
    hasUsageOnly = false
    const pieces = typeof out === 'string' || out instanceof Uint8Array ? [out] : out
    const text = pieces.map((piece) => (typeof piece === 'string' ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('utf8'))).join('')
    return dropEvents(text, usageRequest.usageMarkers, usageRequest.isUsageOnly)
  }
  const broken = (): string => {
    errorMessage = 'the upstream sent a stream event that is not JSON'
    return protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
  }
  return {
    push(chunk) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      // Where the chunk's last event ends, found once for the skim and for what may go to the client.
      const boundary = bytes.lastIndexOf(EVENT_END)
      if (first === undefined) parseFirst(bytes, boundary)
      else if (parser.isBetweenEvents()) skim(bytes, boundary)
      else finishEvent(bytes, boundary)
      return isBroken ? broken() : withoutUsageOnly(whole.push(bytes, boundary))
    },
    hasStarted: () => first !== undefined || isBroken,
    earlyFailure() {
      if (isBroken) return { status: 502, message: 'the upstream sent a stream event that is not JSON' }
      if (first === undefined || !probe.isError(first)) return undefined
      const { kind, message } = protocol.decodeError(200, first.data)
      return { status: new GatewayError(kind, message).status, kind, bodyText: first.data, message }
    },
    end() {
      if (isBroken) return ''
      if (carry !== undefined) parse(carry)
      parser.push(text.decode())
      parser.end()
      // The upstream ended inside an event (what the parser flushed at the end was not JSON): cut short.
      if (isBroken) isComplete = false
      // A complete stream may end without a last blank line; a cut one leaves half an event, never sent.
      const held = whole.end()
      if (isComplete) return withoutUsageOnly(held) as string
      errorMessage = 'upstream stream ended before it finished'
      return protocol.encodeStreamError(new GatewayError('bad_gateway', errorMessage))
    },
    fail(error) {
      errorMessage = error.message
      return protocol.encodeStreamError(error)
    },
    // Same protocol: the upstream's own keep-alives pass through; none is added.
    silence: () => '',
    isDone: () => isBroken,
    outcome: (): StreamEnd => ({ usage, isComplete: isComplete && errorMessage === undefined, errorMessage }),
  }
}

/** The line that spans the held bytes and the chunk, judged whole (a `data:` line must be JSON). */
function seamIsMalformed(seam: Buffer): boolean {
  const lastLine = seam.lastIndexOf(10, seam.length - 2)
  const line = seam.subarray(lastLine + 1)
  return line.subarray(0, 5).toString('latin1') === 'data:' && line[line.length - 1] === 10 && hasMalformedDataBytes(line)
}

/**
 * Passes bytes on only up to the last event boundary and holds the start of an unfinished event, so a
 * client never gets half an event followed by the error that ends a cut stream (two events glued into
 * one line that is not JSON). The held bytes go out with the chunk that finishes their event.
 */
class WholeEvents {
  private held: Buffer | undefined

  /** The held start of an event and this chunk up to its last boundary, as pieces: nothing big is copied. */
  /** `boundary`: where the chunk's last `\n\n` begins (-1: none), already found by the caller. */
  push(bytes: Buffer, boundary: number): Outgoing {
    // A CRLF stream has no \n\n: only then is the chunk searched again for \r\n\r\n.
    const lfEnd = boundary === -1 ? 0 : boundary + EVENT_END.length
    const complete = Math.max(lfEnd === 0 ? endAfter(bytes, CRLF_EVENT_END) : lfEnd, this.seamEnd(bytes))
    const held = this.held
    if (complete === 0) {
      // No event ends in this chunk: it all waits (an event longer than a chunk).
      this.held = held === undefined ? Buffer.from(bytes) : Buffer.concat([held, bytes])
      return EMPTY
    }
    this.held = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined
    const done = complete === bytes.length ? bytes : bytes.subarray(0, complete)
    return held === undefined ? done : [held, done]
  }

  /** A boundary split across the held bytes and this chunk ("\n" | "\n", or CRLF variants): where it ends in the chunk. */
  private seamEnd(bytes: Buffer): number {
    const held = this.held
    if (held === undefined || held.length === 0) return 0
    const seam = Buffer.concat([held.subarray(Math.max(0, held.length - 3)), bytes.subarray(0, 3)])
    const tail = Math.min(3, held.length)
    const end = Math.max(endAfter(seam, EVENT_END), endAfter(seam, CRLF_EVENT_END))
    return end > tail ? end - tail : 0
  }

  /** What is held when the upstream ends: the rest of a complete stream, as text. */
  end(): string {
    const held = this.held
    this.held = undefined
    return held === undefined ? '' : held.toString('utf8')
  }
}

const CRLF_EVENT_END = Buffer.from('\r\n\r\n')

/** A protocol's marker strings as bytes, encoded once per list rather than once per stream. */
const markerBytes = new WeakMap<readonly string[], Buffer[]>()
function bytesOf(markers: readonly string[]): Buffer[] {
  let bytes = markerBytes.get(markers)
  if (bytes === undefined) markerBytes.set(markers, (bytes = markers.map((marker) => Buffer.from(marker))))
  return bytes
}
const EMPTY = new Uint8Array(0)

/** The index just past the last `boundary` in `bytes`, or 0. */
function endAfter(bytes: Buffer, boundary: Buffer): number {
  const at = bytes.lastIndexOf(boundary)
  return at === -1 ? 0 : at + boundary.length
}

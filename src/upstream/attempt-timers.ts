/**
 * The abort signal of one upstream attempt: fires when the client goes away, when the first byte
 * (first event, for streams) is later than request_timeout, or when llmux gives up on the stream.
 */
export interface AttemptSignal {
  readonly signal: AbortSignal
  readonly isTimedOut: () => boolean
  readonly isClientGone: () => boolean
  /** The first byte/event arrived: from now on only stream_idle_timeout applies. */
  readonly disarm: () => void
  /** The attempt is over and its upstream answer was read to the end: nothing to abort. */
  readonly release: () => void
  /** Stop the upstream request (failure, cut stream). */
  readonly abort: () => void
}

interface Pending {
  controller: AbortController
  client: AbortSignal
  /** performance.now() after which the first byte is late; Infinity once disarmed. */
  deadline: number
  isTimedOut: boolean
}

/**
 * Every in-flight attempt of a gateway, checked by one timer instead of a setTimeout and an abort
 * listener per request (the profile showed those among llmux's largest own costs). Each tick aborts
 * attempts whose client has gone or whose first byte is late; a quick request is never visited.
 * Real time (performance.now), whatever clock the gateway routes with.
 */
export class AttemptTimers {
  private readonly pending = new Set<Pending>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly tickMs = 50) {}

  start(client: AbortSignal, firstByteTimeoutMs: number): AttemptSignal {
    const entry: Pending = { controller: new AbortController(), client, deadline: performance.now() + firstByteTimeoutMs, isTimedOut: false }
    this.pending.add(entry)
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.tickMs)
      this.timer.unref?.()
    }
    const release = () => {
      this.pending.delete(entry)
      if (this.pending.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer)
        this.timer = undefined
      }
    }
    return {
      signal: entry.controller.signal,
      isTimedOut: () => entry.isTimedOut,
      isClientGone: () => client.aborted,
      disarm: () => void (entry.deadline = Infinity),
      release,
      abort: () => {
        release()
        entry.controller.abort()
      },
    }
  }

  private tick(): void {
    const now = performance.now()
    for (const entry of this.pending) {
      // The client left: stop the upstream (SPEC §6: no failover follows).
      if (entry.client.aborted) entry.controller.abort()
      else if (now >= entry.deadline) {
        entry.isTimedOut = true
        entry.controller.abort()
      } else continue
      this.pending.delete(entry)
    }
    if (this.pending.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }
}

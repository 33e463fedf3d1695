/**
 * The abort signal of one upstream attempt: fires when the client goes away, when the first byte
 * (first event, for streams) is later than request_timeout, or when llmux gives up on the stream.
 */
export interface AttemptSignal {
  readonly signal: AbortSignal
  isTimedOut(): boolean
  isClientGone(): boolean
  /** The first byte/event arrived: from now on only stream_idle_timeout applies. */
  disarm(): void
  /** The attempt is over and its upstream answer was read to the end: nothing to abort. */
  release(): void
  /** Stop the upstream request (failure, cut stream). */
  abort(): void
}

/** One attempt: its own abort controller, watched by the gateway's one timer (methods, not closures: one object per attempt). */
class Attempt implements AttemptSignal {
  readonly controller = new AbortController()
  /** Set when the first byte was late. */
  isLate = false

  constructor(
    private readonly timers: AttemptTimers,
    readonly client: AbortSignal,
    /** performance.now() after which the first byte is late; Infinity once disarmed. */
    public deadline: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal
  }

  isTimedOut(): boolean {
    return this.isLate
  }

  isClientGone(): boolean {
    return this.client.aborted
  }

  disarm(): void {
    this.deadline = Infinity
  }

  release(): void {
    this.timers.forget(this)
  }

  abort(): void {
    this.timers.forget(this)
    this.controller.abort()
  }
}

/**
 * Every in-flight attempt of a gateway, checked by one timer instead of a setTimeout and an abort
 * listener per request (the profile showed those among llmux's largest own costs). Each tick aborts
 * attempts whose client has gone or whose first byte is late; a quick request is never visited.
 * Real time (performance.now), whatever clock the gateway routes with.
 */
export class AttemptTimers {
  private readonly pending = new Set<Attempt>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly tickMs = 50) {}

  start(client: AbortSignal, firstByteTimeoutMs: number): AttemptSignal {
    const entry = new Attempt(this, client, performance.now() + firstByteTimeoutMs)
    this.pending.add(entry)
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.tickMs)
      this.timer.unref?.()
    }
    return entry
  }

  /** The attempt needs no more watching. */
  forget(entry: Attempt): void {
    this.pending.delete(entry)
    if (this.pending.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private tick(): void {
    const now = performance.now()
    for (const entry of this.pending) {
      // The client left: stop the upstream (SPEC §6: no failover follows).
      if (entry.client.aborted) entry.controller.abort()
      else if (now >= entry.deadline) {
        entry.isLate = true
        entry.controller.abort()
      } else continue
      this.forget(entry)
    }
  }
}

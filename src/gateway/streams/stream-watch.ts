import type { GatewayError } from '../../errors.ts'

/** One open stream as the watch sees it. */
export interface Watched {
  /** When the upstream last sent something (ms, the watch's clock). */
  lastActivityMs: number
  /** Silent for a ping interval: send the client a keep-alive if its protocol has one. */
  onSilence(): void
  /** Silent for stream_idle_timeout: give up on the upstream. */
  onIdle(): void
  /** llmux is shutting down: give up on the upstream and end the stream with this error event. */
  onShutdown(error: GatewayError): void
}

/**
 * Watches every open stream from one timer, so a busy stream pays a field write per chunk instead of
 * a timer or a Promise.race: pings after `pingMs` of silence (SPEC §7.1), and the idle limit after
 * `idleMs` (SPEC §6). The timer runs only while streams are open and never keeps the process alive.
 */
export class StreamWatch {
  private readonly streams = new Map<Watched, number>()
  private timer: ReturnType<typeof setInterval> | undefined
  private tickMs = 0
  private idleMs = 0

  constructor(
    private readonly pingMs: number,
    idleMs: number,
    private readonly now: () => number,
  ) {
    this.setIdleMs(idleMs)
  }

  /** Streams open now. */
  get size(): number {
    return this.streams.size
  }

  /** A reloaded stream_idle_timeout: it applies to every open stream from the next tick. */
  setIdleMs(idleMs: number): void {
    this.idleMs = idleMs
    this.tickMs = Math.max(5, Math.min(1000, Math.floor(Math.min(this.pingMs, idleMs) / 2)))
    if (this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
      this.startTimer()
    }
  }

  add(stream: Watched): void {
    this.streams.set(stream, stream.lastActivityMs)
    this.startTimer()
  }

  delete(stream: Watched): void {
    this.streams.delete(stream)
    if (this.streams.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  /** Ends every open stream with one error event (drain's bound reached, SPEC §13). */
  shutdown(error: GatewayError): void {
    for (const stream of [...this.streams.keys()]) {
      this.delete(stream)
      stream.onShutdown(error)
    }
  }

  private startTimer(): void {
    if (this.timer !== undefined || this.streams.size === 0) return
    this.timer = setInterval(() => this.tick(), this.tickMs)
    this.timer.unref?.()
  }

  private tick(): void {
    const now = this.now()
    for (const [stream, lastPingMs] of this.streams) {
      if (now - stream.lastActivityMs >= this.idleMs) {
        stream.onIdle()
        this.streams.delete(stream)
      } else if (now - Math.max(stream.lastActivityMs, lastPingMs) >= this.pingMs) {
        this.streams.set(stream, now)
        stream.onSilence()
      }
    }
  }
}

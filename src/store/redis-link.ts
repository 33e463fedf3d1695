import { RedisClient } from 'bun'
import type { SendCommand } from './redis-scripts.ts'

/** Redis could not answer a command in time (down, restarting, unreachable, or stuck). */
export class RedisUnreachable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RedisUnreachable'
  }
}

export type LinkPhase = 'connecting' | 'up' | 'down' | 'closed'

export interface RedisLinkOptions {
  /** Every command is bounded by this; one that neither answers nor fails in time counts as a failure. */
  commandTimeoutMs: number
  connectTimeoutMs: number
  /** Runs on every (re)connection before the link counts as up, e.g. to load a snapshot; a throw counts as a failed connection. */
  onConnect(send: SendCommand): Promise<void>
  /** The link went down (once per outage, including a first connection that fails). */
  onDown(reason: string): void
  /** The link is up; `wasDown`: after an outage rather than at start. */
  onUp(wasDown: boolean): void
}

const FIRST_RETRY_MS = 100
const MAX_RETRY_MS = 2000

/**
 * One connection to Redis with Bun's client, and what Bun does not do for us: bound every command,
 * notice an outage, and reconnect forever with a bounded backoff. Bun's own reconnect and offline
 * queue are off: while Redis is away a command fails at once (the store then serves locally or
 * refuses) instead of waiting in a queue, and Bun gives up reconnecting after maxRetries anyway.
 */
export class RedisLink {
  phase: LinkPhase = 'connecting'
  /** Settles (never rejects) once the first connection attempt has succeeded or failed. */
  readonly ready: Promise<void>
  private client: RedisClient | undefined
  /** Bumped per connection, so a late failure of an old connection never marks a new one down. */
  private generation = 0
  private retryMs = FIRST_RETRY_MS
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private isConnecting = false

  constructor(
    private readonly url: string,
    private readonly options: RedisLinkOptions,
  ) {
    this.ready = this.connect()
  }

  get isUp(): boolean {
    return this.phase === 'up'
  }

  /** Sends one command on the current connection; any failure marks the link down and rejects with RedisUnreachable. */
  readonly send: SendCommand = async (command, args) => {
    const client = this.client
    if (this.phase !== 'up' || client === undefined) throw new RedisUnreachable('redis is not connected')
    const generation = this.generation
    try {
      return await withTimeout(client.send(command, args), this.options.commandTimeoutMs, command)
    } catch (error) {
      // The one reply that is part of the conversation: runScript answers it with EVAL.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) throw error
      if (generation === this.generation) this.markDown(error)
      throw error instanceof RedisUnreachable ? error : new RedisUnreachable(messageOf(error))
    }
  }

  close(): void {
    this.phase = 'closed'
    clearTimeout(this.retryTimer)
    this.dropClient()
  }

  private markDown(error: unknown): void {
    if (this.phase === 'closed') return
    const wasDown = this.phase === 'down'
    this.phase = 'down'
    // A stuck socket would hold every later command too: drop it and start afresh.
    this.dropClient()
    if (!wasDown) this.options.onDown(messageOf(error))
    this.scheduleRetry()
  }

  private dropClient(): void {
    const client = this.client
    this.client = undefined
    this.generation++
    if (client === undefined) return
    client.onclose = null
    client.close()
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.isConnecting || this.phase === 'closed') return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.connect()
    }, this.retryMs)
    this.retryTimer.unref?.()
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS)
  }

  /** One connection attempt: connect, PING, run onConnect; up on success, otherwise down and retry later. */
  private async connect(): Promise<void> {
    if (this.isConnecting || this.phase === 'closed') return
    this.isConnecting = true
    const client = new RedisClient(this.url, {
      autoReconnect: false,
      enableOfflineQueue: false,
      connectionTimeout: this.options.connectTimeoutMs,
    })
    const send: SendCommand = (command, args) => withTimeout(client.send(command, args), this.options.commandTimeoutMs, command)
    try {
      await withTimeout(client.connect(), this.options.connectTimeoutMs, 'connect')
      await send('PING', [])
      await this.options.onConnect(send)
      this.isConnecting = false
      if ((this.phase as LinkPhase) === 'closed') return client.close()
      const wasDown = this.phase === 'down'
      this.dropClient()
      this.client = client
      client.onclose = (error) => {
        if (this.client === client) this.markDown(error ?? new Error('connection closed'))
      }
      // The connection may have dropped while onConnect ran.
      if (!client.connected) throw new RedisUnreachable('connection closed')
      this.phase = 'up'
      this.retryMs = FIRST_RETRY_MS
      this.options.onUp(wasDown)
    } catch (error) {
      this.isConnecting = false
      if (this.client === client) this.client = undefined
      client.onclose = null
      client.close()
      if ((this.phase as LinkPhase) === 'closed') return
      const wasDown = this.phase === 'down'
      this.phase = 'down'
      if (!wasDown) this.options.onDown(messageOf(error))
      this.scheduleRetry()
    }
  }
}

/** Connects, PINGs and disconnects: for `llmux check`. Throws one line when Redis does not answer in time. */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const client = new RedisClient(url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: timeoutMs })
  try {
    await withTimeout(client.connect(), timeoutMs, 'connect')
    await withTimeout(client.send('PING', []), timeoutMs, 'PING')
  } finally {
    client.close()
  }
}

/** Rejects with RedisUnreachable when the promise has not settled in time (its later result is ignored, never unhandled). */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RedisUnreachable(`${what} got no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

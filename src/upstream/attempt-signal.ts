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

export function attemptSignal(client: AbortSignal, firstByteTimeoutMs: number): AttemptSignal {
  const controller = new AbortController()
  let isTimedOut = false
  const timer = setTimeout(() => {
    isTimedOut = true
    controller.abort()
  }, firstByteTimeoutMs)
  // The client left: stop the upstream and the first-byte timer (a live timer would keep the process up).
  const onClientAbort = () => {
    clearTimeout(timer)
    controller.abort()
  }
  client.addEventListener('abort', onClientAbort, { once: true })
  const release = () => {
    clearTimeout(timer)
    client.removeEventListener('abort', onClientAbort)
  }
  return {
    signal: controller.signal,
    isTimedOut: () => isTimedOut,
    isClientGone: () => client.aborted,
    disarm: () => clearTimeout(timer),
    release,
    abort: () => {
      release()
      controller.abort()
    },
  }
}

import { GatewayError } from '../errors.ts'

const TICK = Symbol('tick')

/**
 * Passes a stream's items through; while the upstream is silent it yields `ping` every `pingMs` (when
 * given: Anthropic clients and proxies need them while a model thinks) and gives up after `idleMs` of
 * silence (stream_idle_timeout). One timer per tick, not per item, so busy streams pay almost nothing.
 */
export async function* withHeartbeat<T>(
  source: AsyncIterator<T> | AsyncIterable<T>,
  options: { pingMs: number; idleMs: number; now: () => number; ping?: T },
): AsyncGenerator<T> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source
  let lastActivity = options.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  let tick!: Promise<typeof TICK>
  const arm = () => {
    tick = new Promise((resolve) => {
      timer = setTimeout(() => resolve(TICK), options.pingMs)
    })
  }
  arm()
  let pending = iterator.next()
  try {
    while (true) {
      const result = await Promise.race([pending, tick])
      if (result === TICK) {
        const silentMs = options.now() - lastActivity
        if (silentMs >= options.idleMs) {
          throw new GatewayError('timeout', `upstream sent nothing for ${Math.round(silentMs / 1000)} s (stream_idle_timeout)`)
        }
        if (options.ping !== undefined && silentMs >= options.pingMs) yield options.ping
        arm()
        continue
      }
      if (result.done) return
      lastActivity = options.now()
      pending = iterator.next()
      yield result.value
    }
  } finally {
    clearTimeout(timer)
    // Not awaited: a read may still be pending on a silent upstream; the caller aborts that request.
    pending.catch(() => {})
    void iterator.return?.()?.catch(() => {})
  }
}

import type { BackendConfig, Config } from '../config/config.ts'
import type { Logger } from '../logger.ts'
import type { ProtocolName } from '../protocols/protocol.ts'
import type { BackendCodec } from '../protocols/backend-codec.ts'
import type { Store } from '../store/store.ts'
import type { Authenticator } from '../server/auth.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { StreamWatch } from './streams/stream-watch.ts'
import type { AttemptTimers } from '../upstream/attempt-timers.ts'
import type { Redactor } from './redact-secrets.ts'

/** Everything a request handler needs, created once by startServer and passed down (no module state). */
export interface Gateway {
  config: Config
  /** Every configured backend; the router skips those of disabled providers and says why. */
  backends: BackendConfig[]
  backendById: Map<string, BackendConfig>
  /** Some backend has `when`: only then are request traits computed. */
  hasTraitRules: boolean
  metrics: Metrics
  logger: Logger
  store: Store
  authenticator: Authenticator
  codecs: Readonly<Record<ProtocolName, BackendCodec>>
  /** Provider name → headers sent with every request to it (auth included), built at start-up. */
  providerHeaders: Map<string, Record<string, string>>
  /** Wall-clock ms (Date.now in the server, a fake clock in tests). */
  now: () => number
  random: () => number
  /** Watches in-flight upstream attempts for request_timeout and clients that leave, from one timer. */
  attemptTimers: AttemptTimers
  /** Pings silent streams and ends idle ones (stream_idle_timeout), all from one timer. */
  streamWatch: StreamWatch
  nextRequestId: () => number
  /** Replaces this config's provider keys and client tokens in whatever an upstream sends back (SPEC §4). */
  redactor: Redactor
}

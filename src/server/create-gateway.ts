import type { Config } from '../config/config.ts'
import type { Gateway } from '../gateway/gateway.ts'
import type { StreamWatch } from '../gateway/streams/stream-watch.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { backendCodecs } from '../protocols/registry.ts'
import type { Store } from '../store/store.ts'
import { baseHeadersOf } from '../upstream/endpoint.ts'
import type { AttemptTimers } from '../upstream/attempt-timers.ts'
import { createAuthenticator } from './auth.ts'
import { secretRedactor, secretsOf } from '../gateway/redact-secrets.ts'

/**
 * What outlives a config: created once by startServer and handed to every Gateway built from a config,
 * so a reload keeps windows and cooldowns (the store, keyed by backend id), metrics, request ids and
 * the timers that watch requests already in flight.
 */
export interface GatewayParts {
  logger: Logger
  store: Store
  metrics: Metrics
  attemptTimers: AttemptTimers
  streamWatch: StreamWatch
  now: () => number
  random: () => number
  nextRequestId: () => number
}

/** A Gateway for one config: everything derived from the file, plus the parts that outlive it. */
export function createGateway(config: Config, parts: GatewayParts): Gateway {
  return {
    ...parts,
    config,
    backends: config.backends,
    backendById: new Map(config.backends.map((backend) => [backend.id, backend])),
    hasTraitRules: config.backends.some((backend) => backend.when.length > 0),
    authenticator: createAuthenticator(config.tokens),
    codecs: backendCodecs,
    providerHeaders: new Map(Object.values(config.providers).map((provider) => [provider.name, baseHeadersOf(provider)])),
    redactor: secretRedactor(secretsOf(config)),
  }
}

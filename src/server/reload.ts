import type { Config } from '../config/config.ts'
import { ConfigError, describeConfigProblems } from '../config/config-error.ts'
import { loadConfig, type ConfigOverrides, type Env } from '../config/load-config.ts'
import type { Gateway } from '../gateway/gateway.ts'
import { isLoopbackHost } from './auth.ts'
import { createGateway, type GatewayParts } from './create-gateway.ts'

/**
 * The gateway requests are served by now. Routes read `current` once per request, so a request keeps
 * the gateway it started with to its end while a reload swaps in a new one for the next (SPEC §13).
 */
export interface GatewayHolder {
  current: Gateway
  readonly parts: GatewayParts
}

/** `needsRestart`: file keys that changed but need a restart; they keep their running values. */
export type ReloadResult = { isReloaded: true; needsRestart: string[] } | { isReloaded: false; reason: string }

/** What Bun.serve, the store and the logger took at start-up, by the file keys that set them. */
const RESTART_ONLY: readonly { key: string; valueOf: (config: Config) => unknown }[] = [
  { key: 'host', valueOf: (config) => config.host },
  { key: 'port', valueOf: (config) => config.port },
  { key: 'https_enabled / ssl_*', valueOf: (config) => config.tls },
  { key: 'store', valueOf: (config) => config.store },
  { key: 'store_failure', valueOf: (config) => config.storeFailure },
  { key: 'log_level', valueOf: (config) => config.logLevel },
]

/** The new config with every restart-only setting kept at its running value, and the keys that differed. */
export function keepRestartOnly(running: Config, next: Config): { config: Config; needsRestart: string[] } {
  const needsRestart = RESTART_ONLY.filter(({ valueOf }) => JSON.stringify(valueOf(running)) !== JSON.stringify(valueOf(next))).map(({ key }) => key)
  const config: Config = {
    ...next,
    host: running.host,
    port: running.port,
    tls: running.tls,
    store: running.store,
    storeFailure: running.storeFailure,
    logLevel: running.logLevel,
  }
  return { config, needsRestart }
}

/** Swaps in a gateway built from `next`, reusing the store, metrics and timers (windows and cooldowns carry over). */
export function reloadGateway(holder: GatewayHolder, next: Config): ReloadResult {
  const { logger } = holder.parts
  const { config, needsRestart } = keepRestartOnly(holder.current.config, next)
  if (config.tokens.length === 0 && !isLoopbackHost(config.host)) {
    const reason = `the new config has no [tokens] while llmux listens on ${config.host}: anyone who reaches it could spend your provider keys`
    logger.error(`config not reloaded, still serving the previous one: ${reason}`)
    return { isReloaded: false, reason }
  }
  holder.current = createGateway(config, holder.parts)
  holder.parts.streamWatch.setIdleMs(config.streamIdleTimeoutMs)
  for (const key of needsRestart) logger.warn(`config reload: ${key} changed and needs a restart; the running value stays`)
  for (const provider of Object.values(config.providers)) {
    if (provider.isDisabled) logger.warn(`provider ${provider.name} switched off: ${provider.disabledReason ?? 'no key'}`)
  }
  const routable = config.backends.filter((backend) => !backend.provider.isDisabled).length
  logger.info(`config reloaded: ${routable} backend${routable === 1 ? '' : 's'} routable`)
  return { isReloaded: true, needsRestart }
}

/** Something a config can be reloaded into: RunningServer. */
export interface Reloadable {
  readonly gateway: Gateway
  reload(config: Config): ReloadResult
}

export interface ReloadFileOptions {
  env?: Env
  /** The command line's overrides (`--host`, `--port`, …), applied again as at start-up. */
  overrides?: ConfigOverrides
}

/**
 * Reads, validates and applies a config file. A broken file changes nothing: its problems are logged by
 * path, as `llmux check` prints them.
 */
export function reloadFromFile(server: Reloadable, path: string, options: ReloadFileOptions = {}): ReloadResult {
  const { logger } = server.gateway
  let config: Config
  try {
    config = loadConfig(path, options.env ?? process.env, options.overrides)
  } catch (error) {
    const reason = error instanceof ConfigError ? describeConfigProblems(path, error) : `${path}: ${(error as Error).message}`
    logger.error(`config not reloaded, still serving the previous one: ${reason}`)
    return { isReloaded: false, reason }
  }
  return server.reload(config)
}

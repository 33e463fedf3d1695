import type { Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { CliError } from '../src/cli/command.ts'
import { isLoopbackHost } from '../src/server/auth.ts'
import { createLogger } from '../src/logger.ts'
import { startServer } from '../src/server/start-server.ts'
import { reloadFromFile } from '../src/server/reload.ts'
import { watchConfig } from '../src/server/watch-config.ts'

export const startCommand: Command = {
  usage: 'start',
  alias: 's',
  description: 'Start the gateway',
  options: [
    { flags: '-c, --config', description: 'Config file', default: 'config.toml' },
    { flags: '--host', description: 'Address to bind (overrides the file)' },
    { flags: '-p, --port', description: 'Port (overrides the file; 0 picks a free one)' },
    { flags: '--https', description: 'Serve HTTPS (needs --ssl-key and --ssl-cert or the file settings)' },
    { flags: '--ssl-key', description: 'TLS private key file (PEM)' },
    { flags: '--ssl-cert', description: 'TLS certificate file (PEM)' },
    { flags: '--ssl-ca', description: 'CA bundle for the certificate chain (PEM)' },
    { flags: '--verbose', description: 'Log routing decisions, upstream URLs and timings' },
    { flags: '--watch', description: 'Reload the config file when it changes (as SIGHUP does)' },
  ],
  examples: ['start --config config.example.toml', 'start -c config.toml --port 9000 --verbose', 'start -c config.toml --watch'],
  async run(_positionals, flags) {
    const path = String(flags.config ?? 'config.toml')
    const overrides = {
      host: flags.host === undefined ? undefined : String(flags.host),
      port: flags.port === undefined ? undefined : Number(flags.port),
      https_enabled: flags.https === undefined ? undefined : Boolean(flags.https),
      ssl_key_file: flags['ssl-key'] === undefined ? undefined : String(flags['ssl-key']),
      ssl_cert_file: flags['ssl-cert'] === undefined ? undefined : String(flags['ssl-cert']),
      ssl_ca_file: flags['ssl-ca'] === undefined ? undefined : String(flags['ssl-ca']),
    }
    const config = loadCliConfig(path, overrides)
    if (config.tokens.length === 0 && !isLoopbackHost(config.host)) {
      throw new CliError(
        `refusing to listen on ${config.host} without [tokens]: anyone who reaches it could spend your provider keys. Add a [tokens] entry, or bind to 127.0.0.1`,
      )
    }
    const logger = createLogger(config.logLevel, { isVerbose: flags.verbose === true })
    for (const provider of Object.values(config.providers)) {
      if (provider.isDisabled) logger.warn(`provider ${provider.name} switched off: ${provider.disabledReason ?? 'no key'}`)
    }
    let running
    try {
      running = await startServer(config, { logger })
    } catch (error) {
      throw new CliError(`cannot start: ${(error as Error).message}`)
    }
    const routable = running.gateway.backends.filter((backend) => !backend.provider.isDisabled).length
    console.log(`llmux listening on ${running.url} (${routable} backend${routable === 1 ? '' : 's'})`)
    // SIGHUP and --watch reload the file with the same command-line overrides (SPEC §13).
    let isDraining = false
    const reload = (why: string) => {
      if (isDraining) return
      logger.info(`${why}: reloading ${path}`)
      reloadFromFile(running, path, { overrides })
    }
    // The handler stays while draining: a SIGHUP then must not end the process.
    process.on('SIGHUP', () => reload('SIGHUP'))
    const watcher = flags.watch === true ? watchConfig(path, () => reload('config file changed')) : undefined
    await new Promise<void>((resolve) => {
      const shutdown = async (signal: string) => {
        isDraining = true
        watcher?.close()
        logger.info(`${signal}: draining in-flight requests`)
        await running.stop(10_000)
        resolve()
      }
      process.once('SIGTERM', () => void shutdown('SIGTERM'))
      process.once('SIGINT', () => void shutdown('SIGINT'))
    })
    return 0
  },
}

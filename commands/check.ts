import { CliError, type Command } from '../src/cli/command.ts'
import { pingRedis } from '../src/store/redis-link.ts'
import { isRedisUrl, parseRedisUrl } from '../src/store/redis-url.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { colors, formatTable } from '../src/cli/output.ts'
import { describeBackend } from '../src/cli/describe-backend.ts'

export const checkCommand: Command = {
  usage: 'check [config]',
  description: 'Validate a config file and list its backends',
  options: [
    { flags: '-c, --config', description: 'Config file (or give it as the argument)', default: 'config.toml' },
    { flags: '--ping', description: 'With a redis store, check that the server answers (--no-ping to skip)', default: true },
  ],
  examples: ['check config.example.toml', 'check shared.toml --no-ping'],
  async run([file], flags) {
    const path = file ?? String(flags.config ?? 'config.toml')
    const config = loadCliConfig(path)
    const c = colors()
    const rows = config.backends.map(describeBackend)
    console.log(
      formatTable(['#', 'backend', 'type', 'context', 'vision', 'thinking', 'limits', 'state'], rows, (cell, row, column) =>
        column === 7 ? (config.backends[row].provider.isDisabled ? c.yellow(cell) : c.green(cell)) : cell,
      ),
    )
    const on = config.backends.filter((backend) => !backend.provider.isDisabled).length
    const store = isRedisUrl(config.store) ? parseRedisUrl(config.store).label : config.store
    console.log(`\n${path}: ok — ${on} of ${config.backends.length} backends routable, listening on ${config.host}:${config.port}, store ${store}`)
    if (!isRedisUrl(config.store) || flags.ping === false) return 0
    const startedAt = performance.now()
    try {
      await pingRedis(config.store, 2000)
    } catch (error) {
      throw new CliError(`store ${store}: no answer (${(error as Error).message})`)
    }
    console.log(`store ${store}: answers (PING in ${(performance.now() - startedAt).toFixed(1)} ms)`)
    return 0
  },
}

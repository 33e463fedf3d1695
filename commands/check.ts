import type { Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { colors, formatTable } from '../src/cli/output.ts'
import { describeBackend } from '../src/cli/describe-backend.ts'

export const checkCommand: Command = {
  usage: 'check [config]',
  description: 'Validate a config file and list its backends',
  options: [{ flags: '-c, --config', description: 'Config file (or give it as the argument)', default: 'config.toml' }],
  examples: ['check config.example.toml'],
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
    console.log(`\n${path}: ok — ${on} of ${config.backends.length} backends routable, listening on ${config.host}:${config.port}, store ${config.store}`)
    return 0
  },
}

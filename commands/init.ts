import { existsSync, writeFileSync } from 'node:fs'
import { CliError, type Command } from '../src/cli/command.ts'
import { starterConfig } from '../src/config/starter-config.ts'

export const initCommand: Command = {
  usage: 'init [file]',
  description: 'Write a commented starter config.toml',
  options: [{ flags: '--force', description: 'Overwrite an existing file' }],
  examples: ['init', 'init my-config.toml'],
  async run([file], flags) {
    const path = file ?? 'config.toml'
    if (existsSync(path) && flags.force !== true) throw new CliError(`${path} already exists (use --force to overwrite)`)
    writeFileSync(path, starterConfig)
    console.log(`wrote ${path}; next: llmux check ${path} && llmux start --config ${path}`)
    return 0
  },
}

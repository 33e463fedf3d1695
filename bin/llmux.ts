#!/usr/bin/env bun
import sade from 'sade'
import { checkCommand } from '../commands/check.ts'
import { claudeCommand } from '../commands/claude.ts'
import { codexCommand } from '../commands/codex.ts'
import { envCommand } from '../commands/env.ts'
import { initCommand } from '../commands/init.ts'
import { routeCommand } from '../commands/route.ts'
import { startCommand } from '../commands/start.ts'
import { statsCommand } from '../commands/stats.ts'
import { statusCommand } from '../commands/status.ts'
import { CliError, type Command } from '../src/cli/command.ts'
import packageJson from '../package.json' with { type: 'json' }

// A static list, not a folder scan: the CLI must also work as one compiled binary.
const commands: Command[] = [startCommand, checkCommand, routeCommand, statsCommand, initCommand, envCommand, claudeCommand, codexCommand, statusCommand]

async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2)
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    console.log(packageJson.version)
    return 0
  }
  const passThrough = commands.find((command) => command.passesArgsThrough && command.usage.split(' ')[0] === args[0])
  if (passThrough && !(args.length === 2 && (args[1] === '--help' || args[1] === '-h'))) return (await passThrough.run(args.slice(1), {})) ?? 0
  const program = sade('llmux').version(packageJson.version)
  for (const command of commands) {
    program.command(command.usage, command.description, command.alias ? { alias: command.alias } : {})
    for (const option of command.options) program.option(option.flags, option.description, option.default)
    for (const example of command.examples ?? []) program.example(example)
    program.action(async (...received: unknown[]) => {
      const flags = received.at(-1) as Record<string, unknown>
      const positionals = received.slice(0, -1).filter((value): value is string => typeof value === 'string')
      const { _: _rest, ...named } = flags
      void _rest
      process.exitCode = (await command.run(positionals, named)) ?? 0
    })
  }
  const parsed = program.parse(argv, { lazy: true, unknown: (flag: string) => `unknown option ${flag}` })
  if (!parsed) return process.exitCode === undefined ? 0 : Number(process.exitCode)
  await parsed.handler(...parsed.args)
  return Number(process.exitCode ?? 0)
}

try {
  process.exitCode = await main(process.argv)
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  console.error(`llmux: ${error instanceof CliError ? message : `unexpected error: ${message}`}`)
  process.exitCode = 1
}

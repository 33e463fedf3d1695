import type { Command } from '../src/cli/command.ts'
import { CLAUDE, launchAgent } from '../src/cli/launch-agent.ts'

export const claudeCommand: Command = {
  usage: 'claude [args]',
  description: 'Run Claude Code through llmux (the running one of the config, or one started for the session)',
  options: [{ flags: '-c, --config', description: 'Config file (before the agent\'s arguments)', default: 'config.toml' }],
  examples: ['claude', 'claude -c config.toml -- -p "say hi"'],
  passesArgsThrough: true,
  run: (args) => launchAgent(CLAUDE, args),
}

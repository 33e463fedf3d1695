import type { Command } from '../src/cli/command.ts'
import { CODEX, launchAgent } from '../src/cli/launch-agent.ts'

export const codexCommand: Command = {
  usage: 'codex [args]',
  description: 'Run Codex CLI through llmux (its provider and model catalog given with -c overrides; your ~/.codex/config.toml is untouched)',
  options: [{ flags: '-c, --config', description: 'Config file (before the agent\'s arguments)', default: 'config.toml' }],
  examples: ['codex', 'codex -c config.toml exec "say hi"'],
  passesArgsThrough: true,
  run: (args) => launchAgent(CODEX, args),
}

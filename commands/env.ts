import { CliError, type Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { AGENT_TOOLS, envLines, type AgentTool } from '../src/cli/agent-settings.ts'

export const envCommand: Command = {
  usage: 'env [tool]',
  description: 'Print shell exports that point claude, codex or openai tools at llmux',
  options: [{ flags: '-c, --config', description: 'Config file', default: 'config.toml' }],
  examples: ['env claude', 'eval "$(llmux env openai -c config.toml)"'],
  async run(positionals, flags) {
    const tool = positionals[0]
    if (!AGENT_TOOLS.includes(tool as AgentTool)) {
      throw new CliError(`${tool === undefined ? 'which tool?' : `unknown tool ${JSON.stringify(tool)}:`} use ${AGENT_TOOLS.join(', ')}`)
    }
    const config = loadCliConfig(String(flags.config ?? 'config.toml'))
    for (const line of envLines(tool as AgentTool, config)) console.log(line)
    return 0
  },
}

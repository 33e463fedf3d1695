/** One CLI command: commands/*.ts export these and bin/llmux.ts registers them with sade. */
export interface CommandOption {
  flags: string
  description: string
  default?: string | number | boolean
}

export interface Command {
  /** e.g. "start" or "check [config]" */
  usage: string
  description: string
  alias?: string
  options: CommandOption[]
  examples?: string[]
  /** Gets every argument after its name unparsed (`llmux claude …`: the agent's flags are not llmux's). */
  passesArgsThrough?: boolean
  /** Positional arguments, then the parsed flags (`_` removed). Returns the exit code (default 0). */
  run(positionals: string[], flags: Record<string, unknown>): Promise<number | void>
}

/** A failure the user caused or can fix: printed as one line on stderr, exit code 1, no stack. */
export class CliError extends Error {
  override name = 'CliError'
}

/** Everything wrong with a config file, each problem on its own line as `path: expected …, got …`. */
export class ConfigError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(problems.join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
  }
}

/** A broken file's problems as `llmux check` prints them: `<path>: N problems`, then one indented line each. */
export function describeConfigProblems(path: string, error: ConfigError): string {
  const count = error.problems.length
  return `${path}: ${count} problem${count === 1 ? '' : 's'}\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`
}

import type { Config } from '../config/config.ts'
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/load-config.ts'
import { CliError } from './command.ts'

/** Loads a config for a command; a broken file becomes one CliError listing every problem by path. */
export function loadCliConfig(path: string, overrides: ConfigOverrides = {}): Config {
  try {
    return loadConfig(path, process.env, overrides)
  } catch (error) {
    if (error instanceof ConfigError) {
      const count = error.problems.length
      throw new CliError(`${path}: ${count} problem${count === 1 ? '' : 's'}\n${error.problems.map((problem) => `  ${problem}`).join('\n')}`)
    }
    throw error
  }
}

import type { Config } from '../config/config.ts'
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/load-config.ts'
import { CliError } from './command.ts'
import { describeConfigProblems } from '../config/config-error.ts'

/** Loads a config for a command; a broken file becomes one CliError listing every problem by path. */
export function loadCliConfig(path: string, overrides: ConfigOverrides = {}): Config {
  try {
    return loadConfig(path, process.env, overrides)
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(describeConfigProblems(path, error))
    throw error
  }
}

import { readFileSync } from 'node:fs'
import { parse } from 'smol-toml'
import type { Config } from './config.ts'
import { ConfigError } from './config-error.ts'
import type { Env } from './interpolate-env.ts'
import { validateConfig } from './validate-config.ts'

export { ConfigError } from './config-error.ts'
export type { Env } from './interpolate-env.ts'

/**
 * Top-level settings given on the command line (`--host`, `--port`, `--https`, …), in the file's own key
 * names. They replace the file's values before validation, so they are checked like the file
 * (and their problems named by these keys).
 */
export interface ConfigOverrides {
  host?: string
  port?: number
  https_enabled?: boolean
  ssl_key_file?: string
  ssl_cert_file?: string
  ssl_ca_file?: string
}

/** Reads, interpolates and validates a TOML config file. Throws ConfigError listing every problem. */
export function loadConfig(path: string, env: Env, overrides: ConfigOverrides = {}): Config {
  return parseConfig(readConfigText(path), env, overrides)
}

/** The same as loadConfig, for TOML text already in hand. */
export function parseConfig(text: string, env: Env, overrides: ConfigOverrides = {}): Config {
  const document = parseToml(text)
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined)
  return validateConfig({ ...document, ...Object.fromEntries(given) }, env)
}

function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable'
    throw new ConfigError([code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot be read (${code})`])
  }
}

/** smol-toml's error says where: `Invalid TOML document: <what>` plus line and column. */
function parseToml(text: string): Record<string, unknown> {
  try {
    return parse(text)
  } catch (error) {
    if (!(error instanceof Error)) throw error
    const what = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')
    const at = 'line' in error && 'column' in error ? `line ${error.line}, column ${error.column}` : 'TOML'
    throw new ConfigError([`${at}: invalid TOML: ${what}`])
  }
}

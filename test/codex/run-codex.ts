/**
 * Runs Codex CLI (`codex exec`) against a base URL, offline and non-interactively, with a scratch
 * CODEX_HOME (a config.toml with a `model_providers.llmux` block) and a scratch work dir.
 * The caller deletes the returned workDir.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CODEX_VERSION, findCodex } from './install.mjs'

export interface CodexRun {
  exitCode: number
  stdout: string
  stderr: string
  /** The scratch directory Codex worked in (files it created are here); the caller deletes it. */
  workDir: string
}

export interface CodexOptions {
  /** Model name sent to the server; default gpt-5.5 (Codex offers freeform apply_patch for it). */
  model?: string
  timeoutMs?: number
  /** Extra lines appended to config.toml (top-level keys must come before tables: use `-c` for those). */
  extraConfig?: string
  /** Extra lines inside the `[model_providers.llmux]` table (e.g. `stream_max_retries = 0`). */
  providerConfig?: string
  /** Extra `codex exec` arguments (before the prompt), e.g. ['-c', 'model_reasoning_effort="low"']. */
  args?: string[]
  /** Extra environment, e.g. { RUST_LOG: 'codex_api=trace' }. */
  env?: Record<string, string>
  /** The key, sent as `Authorization: Bearer …`. */
  apiKey?: string
  /**
   * How Codex gets the key: 'env' (`env_key`, the usual setup; Codex then fetches no `/models` and uses its
   * bundled catalog, unless `providerConfig` sets `model_catalog_url`, as `llmux codex` does: then it fetches
   * that URL with `?client_version=…` and takes the served catalog) or 'command'
   * (`[model_providers.llmux.auth] command`: Codex then also fetches `GET {base_url}/models?client_version=…`
   * and uses the served catalog).
   */
  auth?: 'env' | 'command'
  /** `supports_websockets` of the provider (default false: Codex then only uses HTTP POST). */
  websockets?: boolean
}

export const PROVIDER_ENV_KEY = 'LLMUX_API_KEY'

/** The codex binary, or an error telling how to install it (a test must not skip silently). */
export function codexBinary(): string {
  const bin = findCodex()
  if (bin) return bin
  throw new Error(`Codex ${CODEX_VERSION} is not installed: run \`node test/codex/install.mjs\``)
}

/** config.toml for a scratch CODEX_HOME: one custom provider, no update check, no analytics, no prompts. */
export function codexConfig(baseUrl: string, options: CodexOptions = {}): string {
  return `# written by test/codex/run-codex.ts
model = ${JSON.stringify(options.model ?? 'gpt-5.5')}
model_provider = "llmux"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false
${options.extraConfig ?? ''}

[model_providers.llmux]
name = "llmux"
base_url = ${JSON.stringify(`${baseUrl.replace(/\/$/, '')}/v1`)}
wire_api = "responses"
supports_websockets = ${options.websockets === true}
${options.providerConfig ?? ''}
${options.auth === 'command'
    ? `[model_providers.llmux.auth]\ncommand = "/bin/sh"\nargs = ["-c", "printf %s \\"$${PROVIDER_ENV_KEY}\\""]\n`
    : `env_key = "${PROVIDER_ENV_KEY}"\n`}
[features]
# No plugin sync (it reaches github.com at start) and no in-app update check.
plugins = false
remote_plugin = false
plugin_sharing = false
in_app_updates = false

[analytics]
enabled = false

[feedback]
enabled = false

[history]
persistence = "none"
`
}

/** Only what Codex needs: nothing from the caller's environment can reach a real API or a real HOME. */
function offlineEnv(home: string, codexHome: string, options: CodexOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    HOME: home,
    TMPDIR: home,
    CODEX_HOME: codexHome,
    [PROVIDER_ENV_KEY]: options.apiKey ?? 'test-llmux-key',
    NO_COLOR: '1',
    ...options.env,
  }
}

export function codexArgs(prompt: string, workDir: string, options: CodexOptions = {}): string[] {
  return [
    'exec',
    '--json',
    '--skip-git-repo-check',
    '--ephemeral',
    '--dangerously-bypass-approvals-and-sandbox',
    '--color', 'never',
    '-C', workDir,
    ...(options.args ?? []),
    prompt,
  ]
}

export async function runCodex(baseUrl: string, prompt: string, options: CodexOptions = {}): Promise<CodexRun> {
  const home = await mkdtemp(path.join(tmpdir(), 'llmux-codex-home-'))
  const workDir = await mkdtemp(path.join(tmpdir(), 'llmux-codex-work-'))
  const codexHome = path.join(home, '.codex')
  try {
    await Bun.write(path.join(codexHome, 'config.toml'), codexConfig(baseUrl, options))
    const child = Bun.spawn([codexBinary(), ...codexArgs(prompt, workDir, options)], {
      cwd: workDir,
      env: offlineEnv(home, codexHome, options),
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: options.timeoutMs ?? 120_000,
    })
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ])
    return { exitCode, stdout, stderr, workDir }
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

/** Runs Claude Code in print mode against a base URL, offline, in an empty temp HOME and work dir. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CLAUDE_CODE_VERSION, findClaude } from './install.mjs'

export interface ClaudeRun {
  exitCode: number
  stdout: string
  stderr: string
}

export const TOOL_PROMPT =
  'Use the Bash tool to run exactly this command: echo llmux-tool-ok. Then tell me what it printed.'

/** The claude binary, or an error telling how to install it (the test must not skip silently). */
export function claudeBinary(): string {
  const bin = findClaude()
  if (bin) return bin
  throw new Error(`Claude Code ${CLAUDE_CODE_VERSION} is not installed: run \`node test/claude-code/install.mjs\``)
}

/** Only what Claude Code needs: nothing from the caller's environment can reach a real API or a real HOME. */
function offlineEnv(home: string, baseUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    HOME: home,
    TMPDIR: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
  }
}

export async function runClaude(baseUrl: string, prompt: string, timeoutMs = 120_000): Promise<ClaudeRun> {
  const home = await mkdtemp(path.join(tmpdir(), 'llmux-claude-home-'))
  const workDir = await mkdtemp(path.join(tmpdir(), 'llmux-claude-work-'))
  try {
    const child = Bun.spawn(
      [claudeBinary(), '-p', prompt, '--output-format', 'json', '--allowedTools', 'Bash', '--no-session-persistence'],
      { cwd: workDir, env: offlineEnv(home, baseUrl), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', timeout: timeoutMs },
    )
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ])
    return { exitCode, stdout, stderr }
  } finally {
    await rm(home, { recursive: true, force: true })
    await rm(workDir, { recursive: true, force: true })
  }
}

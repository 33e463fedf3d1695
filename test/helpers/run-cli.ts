import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'

export const CLI = join(import.meta.dir, '..', '..', 'bin', 'llmux.ts')

const scratchDir = () => mkdtempSync(join(tmpdir(), 'llmux-cli-'))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `llmux …` as a user would and waits for it to exit; in a fresh temporary directory unless `cwd`
 * says otherwise, so a default or relative store (`llmux.db`) never lands in the checkout.
 */
export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = Bun.spawn([process.execPath, CLI, ...args], {
    cwd: options.cwd ?? scratchDir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, stdout, stderr }
}

/**
 * Starts `llmux start …` and resolves with its address once it prints the listening line. It runs in a
 * fresh temporary directory, so a config's default or relative store (`llmux.db`) never lands in the checkout.
 */
export async function startCli(args: string[], options: { env?: Record<string, string> } = {}): Promise<{ url: string; child: Subprocess<'ignore', 'pipe', 'pipe'>; output: () => string }> {
  const child = Bun.spawn([process.execPath, CLI, 'start', ...args], {
    cwd: scratchDir(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...options.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const decoder = new TextDecoder()
  const reader = child.stdout.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) throw new Error(`llmux exited before listening:\n${output}\n${await new Response(child.stderr).text()}`)
    output += decoder.decode(value)
    const match = /listening on (\S+)/.exec(output)
    if (match) {
      void (async () => {
        while (true) {
          const next = await reader.read().catch(() => ({ done: true, value: undefined }))
          if (next.done) return
          output += decoder.decode(next.value)
        }
      })()
      return { url: match[1], child, output: () => output }
    }
  }
}

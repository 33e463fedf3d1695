#!/usr/bin/env node
// Installs Claude Code (a pinned version) outside the project's dependencies, into .tmp/claude-code,
// for the end-to-end test in claude-code.test.ts. Plain Node, no dependencies; quick when already there.
//   node test/claude-code/install.mjs        prints the path of the `claude` binary
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const CLAUDE_CODE_VERSION = '2.1.330'
const PACKAGE = '@anthropic-ai/claude-code'

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const installDir = path.join(repoDir, '.tmp', 'claude-code')

/** The version line `claude --version` prints, or undefined when the file does not run. */
function versionOf(binPath) {
  if (!existsSync(binPath)) return undefined
  const run = spawnSync(binPath, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  return run.status === 0 ? run.stdout.trim() : undefined
}

/**
 * The installed `claude` binary at the pinned version, or undefined. The package's postinstall copies
 * the native binary from its platform package (an optional dependency) over bin/claude.exe; when
 * install scripts did not run, the platform package's own binary is used instead.
 */
export function findClaude() {
  const scopeDir = path.join(installDir, 'node_modules', '@anthropic-ai')
  if (!existsSync(scopeDir)) return undefined
  const platformBins = readdirSync(scopeDir)
    .filter((name) => name.startsWith('claude-code-'))
    .map((name) => path.join(scopeDir, name, 'claude'))
  const candidates = [path.join(scopeDir, 'claude-code', 'bin', 'claude.exe'), ...platformBins]
  return candidates.find((bin) => versionOf(bin)?.startsWith(CLAUDE_CODE_VERSION))
}

function npmInstall() {
  mkdirSync(installDir, { recursive: true })
  // A package.json of its own keeps npm from walking up into the project's.
  const manifest = path.join(installDir, 'package.json')
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n')
  const args = [
    'install', '--prefix', installDir, '--no-save', '--no-package-lock', '--include=optional',
    '--engine-strict=false', '--no-audit', '--no-fund', '--loglevel=error',
    `${PACKAGE}@${CLAUDE_CODE_VERSION}`,
  ]
  const run = spawnSync('npm', args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: installDir })
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited with ${run.status ?? run.signal}`)
}

function installedVersion() {
  const manifest = path.join(installDir, 'node_modules', PACKAGE, 'package.json')
  if (!existsSync(manifest)) return undefined
  return JSON.parse(readFileSync(manifest, 'utf8')).version
}

export function ensureClaude() {
  const ready = installedVersion() === CLAUDE_CODE_VERSION ? findClaude() : undefined
  if (ready) return ready
  npmInstall()
  const bin = findClaude()
  if (!bin) throw new Error(`${PACKAGE}@${CLAUDE_CODE_VERSION} installed, but no claude binary in ${installDir} runs --version`)
  return bin
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    console.log(`claude ${CLAUDE_CODE_VERSION}: ${ensureClaude()}`)
  } catch (error) {
    console.error(`claude-code install failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

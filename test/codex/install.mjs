#!/usr/bin/env node
// Installs Codex CLI (a pinned version) outside the project's dependencies, into .tmp/codex, for the
// end-to-end tests that run `codex exec` through llmux. Plain Node, no dependencies; quick when already there.
//   node test/codex/install.mjs        prints the path of the `codex` binary
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const CODEX_VERSION = '0.171.0'
const PACKAGE = '@openai/codex'

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const installDir = path.join(repoDir, '.tmp', 'codex')

/** The version line `codex --version` prints ("codex-cli 0.171.0"), or undefined when the file does not run. */
function versionOf(binPath) {
  if (!existsSync(binPath)) return undefined
  const run = spawnSync(binPath, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  return run.status === 0 ? run.stdout.trim() : undefined
}

function matches(versionLine) {
  return versionLine !== undefined && versionLine.split(/\s+/).includes(CODEX_VERSION)
}

/** Native binaries under a package's vendor dir: vendor/<target triple>/bin/codex (codex.exe on Windows). */
function vendorBinaries(packageDir) {
  const vendorDir = path.join(packageDir, 'vendor')
  if (!existsSync(vendorDir)) return []
  const exe = process.platform === 'win32' ? 'codex.exe' : 'codex'
  return readdirSync(vendorDir).map((triple) => path.join(vendorDir, triple, 'bin', exe))
}

/**
 * The installed `codex` binary at the pinned version, or undefined. @openai/codex is a Node launcher
 * (bin/codex.js) whose native binary comes from a platform package, an optional dependency aliased as
 * @openai/codex-<os>-<arch> (npm:@openai/codex@<version>-<os>-<arch>), at
 * vendor/<target triple>/bin/codex. No install script runs. The native binary is used directly (no Node
 * in between, signals and exit codes are its own); older layouts kept vendor/ inside @openai/codex itself,
 * and the launcher is the last resort.
 */
export function findCodex() {
  const scopeDir = path.join(installDir, 'node_modules', '@openai')
  if (!existsSync(scopeDir)) return undefined
  const platformPackages = readdirSync(scopeDir)
    .filter((name) => name.startsWith('codex-'))
    .map((name) => path.join(scopeDir, name))
  const candidates = [
    ...platformPackages.flatMap(vendorBinaries),
    ...vendorBinaries(path.join(scopeDir, 'codex')),
    path.join(installDir, 'node_modules', '.bin', process.platform === 'win32' ? 'codex.cmd' : 'codex'),
  ]
  return candidates.find((bin) => matches(versionOf(bin)))
}

function npmInstall() {
  mkdirSync(installDir, { recursive: true })
  // A package.json of its own keeps npm from walking up into the project's.
  const manifest = path.join(installDir, 'package.json')
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n')
  const args = [
    'install', '--prefix', installDir, '--no-save', '--no-package-lock', '--include=optional',
    '--engine-strict=false', '--no-audit', '--no-fund', '--loglevel=error',
    `${PACKAGE}@${CODEX_VERSION}`,
  ]
  const run = spawnSync('npm', args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: installDir })
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited with ${run.status ?? run.signal}`)
}

function installedVersion() {
  const manifest = path.join(installDir, 'node_modules', PACKAGE, 'package.json')
  if (!existsSync(manifest)) return undefined
  return JSON.parse(readFileSync(manifest, 'utf8')).version
}

export function ensureCodex() {
  const ready = installedVersion() === CODEX_VERSION ? findCodex() : undefined
  if (ready) return ready
  npmInstall()
  const bin = findCodex()
  if (!bin) throw new Error(`${PACKAGE}@${CODEX_VERSION} installed, but no codex binary in ${installDir} runs --version`)
  return bin
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    console.log(`codex ${CODEX_VERSION}: ${ensureCodex()}`)
  } catch (error) {
    console.error(`codex install failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}

import { existsSync } from 'node:fs'
import { CliError, type Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { colors, formatTable } from '../src/cli/output.ts'
import { windowLabel, type BackendStatus, type Status } from '../src/server/status.ts'

export const statusCommand: Command = {
  usage: 'status',
  description: "The running server's backends (ok / cooling / window n of m) and today's requests, from its /status",
  options: [
    { flags: '-c, --config', description: 'Config file: its host, port and first token say where to ask', default: 'config.toml' },
    { flags: '--url', description: 'Address of the running llmux (instead of the config host and port)' },
    { flags: '--token', description: 'An llmux token (instead of the first in the config [tokens])' },
    { flags: '--json', description: 'Print the /status JSON' },
  ],
  examples: ['status', 'status --url http://127.0.0.1:8082 --json'],
  async run(_positionals, flags) {
    const { url, token } = target(flags)
    const status = await fetchStatus(url, token)
    if (flags.json === true) {
      console.log(JSON.stringify(status, null, 2))
      return 0
    }
    printStatus(status, url)
    return 0
  },
}

/** Where to ask and with which token: flags first, then the config (not needed when --url and --token say it all). */
function target(flags: Record<string, unknown>): { url: string; token?: string } {
  const flagUrl = typeof flags.url === 'string' ? flags.url.replace(/\/+$/, '') : undefined
  const flagToken = typeof flags.token === 'string' ? flags.token : undefined
  const path = String(flags.config ?? 'config.toml')
  // With --url, a missing default config.toml just means no token to send.
  if (flagUrl !== undefined && (flagToken !== undefined || !existsSync(path))) return { url: flagUrl, token: flagToken }
  const config = loadCliConfig(path)
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = flagUrl ?? `${config.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${config.port}`
  return { url, token: flagToken ?? config.tokens[0]?.key }
}

async function fetchStatus(url: string, token: string | undefined): Promise<Status> {
  let response: Response
  try {
    response = await fetch(`${url}/status`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) })
  } catch {
    throw new CliError(`no llmux answers at ${url} (is it running? start it with \`llmux start\`, or pass --url)`)
  }
  if (response.status === 401) throw new CliError(`${url}/status refused the token: pass one from [tokens] with --token`)
  if (!response.ok) throw new CliError(`${url}/status answered ${response.status}`)
  try {
    return (await response.json()) as Status
  } catch {
    throw new CliError(`${url}/status did not answer JSON: is llmux running there?`)
  }
}

function printStatus(status: Status, url: string): void {
  const c = colors()
  console.log(c.dim(`llmux ${status.version} at ${url}, up ${status.uptimeS}s, store ${status.store}`))
  const colour = (state: string) => (state === 'ok' ? c.green : state === 'disabled' ? c.red : c.yellow)
  const rows = status.backends.map(backendRow)
  console.log(formatTable(['backend', 'provider', 'state', 'windows', 'requests', 'errors', 'input', 'output', 'cost USD'], rows.map((row) => addToday(row, status)), (cell, row, column) => (column === 2 ? colour(status.backends[row].state)(cell) : cell)))
  const today = status.today.byBackend.reduce((sum, row) => ({ requests: sum.requests + row.requests, errors: sum.errors + row.errors, input: sum.input + row.inputTokens, output: sum.output + row.outputTokens, cost: sum.cost + row.costUsd }), { requests: 0, errors: 0, input: 0, output: 0, cost: 0 })
  console.log(`\ntoday: ${today.requests} requests, ${today.errors} errors, ${today.input} input / ${today.output} output tokens, $${today.cost.toFixed(4)}`)
  const { hit, moved } = status.affinity
  console.log(c.dim(`affinity: ${hit} hit, ${moved} moved, ${status.affinity.new} new`))
}

function backendRow(backend: BackendStatus): string[] {
  const state = backend.state === 'cooling' && backend.coolingUntil ? `cooling until ${backend.coolingUntil.slice(11, 19)}Z` : backend.state.replace('_', ' ')
  const windows = backend.windows.map(windowLabel).join(', ')
  return [backend.id, backend.provider, state, windows || '-']
}

function addToday(row: string[], status: Status): string[] {
  const usage = status.today.byBackend.find((entry) => entry.key === row[0])
  if (!usage) return [...row, '0', '0', '0', '0', '-']
  return [...row, String(usage.requests), String(usage.errors), String(usage.inputTokens), String(usage.outputTokens), usage.costUsd.toFixed(4)]
}

import { CliError, type Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { colors, formatTable } from '../src/cli/output.ts'
import { parseSince } from '../src/cli/parse-since.ts'
import { openStore } from '../src/store/open-store.ts'
import { isRedisUrl, parseRedisUrl } from '../src/store/redis-url.ts'
import type { UsageGroup, UsageRow } from '../src/store/store.ts'

const GROUPS: UsageGroup[] = ['backend', 'client', 'day']

export const statsCommand: Command = {
  usage: 'stats',
  description: 'Usage and cost from the store, grouped by backend, client and day',
  options: [
    { flags: '-c, --config', description: 'Config file (its `store` is read)', default: 'config.toml' },
    { flags: '--since', description: 'How far back: 30m, 24h, 7d, or a date (2026-11-01)', default: '30d' },
    { flags: '--by', description: 'Only one grouping: backend, client or day' },
    { flags: '--json', description: 'Machine-readable output' },
  ],
  examples: ['stats --since 7d', 'stats --by client --json'],
  async run(_positionals, flags) {
    const config = loadCliConfig(String(flags.config ?? 'config.toml'))
    if (config.store === 'memory') throw new CliError('store = "memory" keeps nothing between runs: set store to a SQLite file to use stats')
    const now = Date.now()
    const sinceMs = parseSince(String(flags.since ?? '30d'), now)
    const groups = flags.by === undefined ? GROUPS : [String(flags.by) as UsageGroup]
    if (!groups.every((group) => GROUPS.includes(group))) throw new CliError(`--by: expected backend, client or day, got "${String(flags.by)}"`)
    const store = openStore(config.store)
    const results = Object.fromEntries(await Promise.all(groups.map(async (groupBy) => [groupBy, await store.usage({ sinceMs, groupBy })] as const)))
    await store.close()
    if (flags.json === true) {
      console.log(JSON.stringify({ since: new Date(sinceMs).toISOString(), ...results }, null, 2))
      return 0
    }
    const c = colors()
    const label = isRedisUrl(config.store) ? parseRedisUrl(config.store).label : config.store
    console.log(c.dim(`since ${new Date(sinceMs).toISOString()} (store ${label})`))
    for (const group of groups) {
      console.log(`\n${c.bold(`by ${group}`)}`)
      const rows: UsageRow[] = results[group]
      if (rows.length === 0) console.log('  no requests')
      else console.log(formatTable([group, 'requests', 'errors', 'input', 'output', 'cache read', 'cache write', 'cache write 1h', 'cost USD', 'avg ms'], rows.map(cells)))
    }
    return 0
  },
}

function cells(row: UsageRow): string[] {
  const cost = row.unpricedRequests === row.requests ? '-' : `${row.costUsd.toFixed(4)}${row.unpricedRequests ? ` (+${row.unpricedRequests} unpriced)` : ''}`
  return [row.key, String(row.requests), String(row.errors), String(row.inputTokens), String(row.outputTokens), String(row.cacheReadTokens), String(row.cacheWriteTokens), String(row.cacheWrite1hTokens), cost, row.avgTotalMs.toFixed(0)]
}

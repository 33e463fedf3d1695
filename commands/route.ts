import { CliError, type Command } from '../src/cli/command.ts'
import { loadCliConfig } from '../src/cli/load-cli-config.ts'
import { colors } from '../src/cli/output.ts'
import { protocolOfBody, readRequest } from '../src/cli/read-request.ts'
import { GatewayError } from '../src/errors.ts'
import type { ProtocolName } from '../src/protocols/protocol.ts'
import { clientProtocolOf, clientProtocols } from '../src/protocols/registry.ts'
import { sessionKeyOf } from '../src/gateway/session-key.ts'
import { needsOf } from '../src/routing/needs.ts'
import { selectBackends } from '../src/routing/router.ts'
import { openStore } from '../src/store/open-store.ts'

export const routeCommand: Command = {
  usage: 'route [request]',
  description: 'Dry run: which backend would serve a request (file or stdin, either protocol), and why not the others',
  options: [
    { flags: '-c, --config', description: 'Config file', default: 'config.toml' },
    { flags: '--protocol', description: `${clientProtocols.map((protocol) => protocol.name).join(', ')} (default: guessed from the body)` },
  ],
  examples: ['route request.json -c config.toml', 'route --protocol anthropic < request.json'],
  async run([file], flags) {
    const config = loadCliConfig(String(flags.config ?? 'config.toml'))
    const body = await readRequest(file)
    const protocolName = flags.protocol === undefined ? protocolOfBody(body) : String(flags.protocol)
    const protocol = clientProtocolOf(protocolName as ProtocolName)
    if (protocol === undefined) throw new CliError(`--protocol: expected ${clientProtocols.map((entry) => entry.name).join(', ')}, got "${protocolName}"`)
    let chat
    try {
      chat = protocol.decodeRequest(body)
    } catch (error) {
      throw new CliError(`not a valid ${protocolName} request: ${error instanceof GatewayError ? error.message : String(error)}`)
    }
    const needs = needsOf(chat)
    // Rate windows and cooldowns come from the store the server uses, so a full window shows here too.
    const store = openStore(config.store)
    // The session a real request would carry in its headers can only come from the body here.
    const session = config.isAffinityOn ? sessionKeyOf(new Headers(), chat, undefined) : undefined
    const preferred = session === undefined ? undefined : await store.affinityOf(session, Date.now())
    const route = selectBackends(needs, config.backends, store.routing, Date.now(), { routing: config.routing, random: Math.random, preferred })
    await store.close()
    const c = colors()
    const traits = [...needs.traits].join(', ') || 'none'
    console.log(
      `request: ${protocolName}, model "${needs.model}", ~${needs.estimatedTokens} tokens, images: ${needs.hasImages ? 'yes' : 'no'}, thinking: ${needs.isThinking ? 'yes' : 'no'}, traits: ${traits}`,
    )
    if (session !== undefined) console.log(`session ${session.slice(2)}: ${preferred === undefined ? 'new (no backend remembered)' : `remembered on ${preferred}${route.kind === 'ok' && route.candidates[0].id === preferred ? ' — affinity decides' : ', which cannot serve it now: it moves'}`}`)
    if (route.kind === 'ok') {
      const [first, ...rest] = route.candidates
      console.log(`${c.green('→')} ${c.bold(first.id)}${rest.length ? ` (failover: ${rest.map((backend) => backend.id).join(', ')})` : ''}`)
    } else {
      console.log(`${c.red('✗')} no backend: ${route.message}${route.kind === 'rate_limited' ? ` (429, retry after ${Math.ceil(route.retryAfterMs / 1000)} s)` : ' (400)'}`)
    }
    if (route.skipped.length > 0) {
      console.log('skipped:')
      const width = Math.max(...route.skipped.map((skip) => skip.backend.id.length))
      for (const skip of route.skipped) console.log(`  ${skip.backend.id.padEnd(width)}  ${c.dim(skip.reason)}`)
    }
    return route.kind === 'ok' ? 0 : 1
  },
}

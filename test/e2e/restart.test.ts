import { afterAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openaiCompletion, startMockUpstream } from '../helpers/mock-upstream.ts'
import { startCli } from '../helpers/run-cli.ts'
import { startRig } from '../helpers/start-rig.ts'

/** SPEC §5: rate windows are kept in the store and survive a restart, even a kill -9. */
const dir = mkdtempSync(join(tmpdir(), 'llmux-restart-'))
const children: { kill(signal?: number): void }[] = []
afterAll(() => children.forEach((child) => child.kill(9)))

const answersWithName = (name: string) => () => Response.json(openaiCompletion(`from ${name}`))

describe('rate windows survive a restart', () => {
  test('in process: max_per_hour = 1 used up, a new gateway on the same SQLite file skips that backend', async () => {
    const store = join(dir, 'in-process.db')
    const rig = await startRig([{ handler: answersWithName('a'), toml: 'max_per_hour = 1' }, { handler: answersWithName('b') }], { top: `store = "${store}"` })
    try {
      const ask = async () => (await rig.openai().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })).choices[0].message.content
      expect(await ask()).toBe('from a')
      await rig.restart()
      expect(await ask()).toBe('from b')
      expect(rig.hits()).toEqual([1, 1])
    } finally {
      await rig.stop()
    }
  })

  test('in process: a cooldown and a client\'s spend survive a restart too', async () => {
    const store = join(dir, 'cooldown-spend.db')
    const slowDown = () => Response.json({ error: { message: 'slow down', type: 'rate_limit' } }, { status: 429, headers: { 'retry-after': '300' } })
    const priced = () => Response.json(openaiCompletion('from b', { usage: { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000 } }))
    const rig = await startRig([{ handler: slowDown }, { handler: priced, toml: 'price_input = 1' }], {
      top: `store = "${store}"`,
      tail: '[tokens.team]\nkey = "team-key"\ndaily_budget = 0.0005',
    })
    try {
      const ask = () => rig.openai('team-key').chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      expect((await ask()).choices[0].message.content).toBe('from b')
      await rig.restart()
      // a is still cooling (it asked for 300 s); spend is $0.001, over the $0.0005 budget.
      expect(rig.gateway.gateway.store.routing.cooldowns.get('a:model-a')).toBeGreaterThan(rig.clock.ms)
      const error = (await ask().catch((thrown: unknown) => thrown)) as { status?: number; code?: string }
      expect({ status: error.status, code: error.code }).toEqual({ status: 429, code: 'insufficient_quota' })
      expect(rig.hits()).toEqual([1, 1])
    } finally {
      await rig.stop()
    }
  })

  test('the CLI: `llmux start`, one request, kill -9, start again → the next request skips that backend', async () => {
    const a = startMockUpstream(answersWithName('a'))
    const b = startMockUpstream(answersWithName('b'))
    const store = join(dir, 'cli.db')
    const config = join(dir, 'cli.toml')
    writeFileSync(
      config,
      `port = 0\nstore = "${store}"\n\n[provider.a]\ntype = "openai"\nbase_url = "${a.url}/v1"\n\n[provider.b]\ntype = "openai"\nbase_url = "${b.url}/v1"\n\n` +
        `[[backend]]\nmodel = "a:model-a"\nmax_per_hour = 1\n\n[[backend]]\nmodel = "b:model-b"\n`,
    )
    const ask = async (url: string) => {
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }) })
      return response.headers.get('x-llmux-backend')
    }
    try {
      const first = await startCli(['-c', config])
      children.push(first.child)
      expect(await ask(first.url)).toBe('a:model-a')
      // The store writes within a few tens of ms; a kill -9 before that may lose the attempt (by design).
      await attemptIsStored(store)
      first.child.kill(9)
      await first.child.exited
      const second = await startCli(['-c', config])
      children.push(second.child)
      expect(await ask(second.url)).toBe('b:model-b')
      expect([a.seen.length, b.seen.length]).toEqual([1, 1])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })
})

/** Polls the SQLite file (as a second reader would) until the gateway's attempt row is there. */
async function attemptIsStored(file: string): Promise<void> {
  const db = new Database(file, { readonly: true })
  try {
    for (let tries = 0; tries < 500; tries++) {
      const row = db.query<{ count: number }, []>("SELECT count(*) AS count FROM attempts WHERE backend = 'a:model-a'").get()
      if (row && row.count > 0) return
      await Bun.sleep(10)
    }
    throw new Error('the attempt never reached the store file')
  } finally {
    db.close()
  }
}

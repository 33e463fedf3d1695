import { afterEach, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startLlmux, type RunningLlmux } from '../claude-code/start-llmux.ts'
import { openaiCompletion, startMockUpstream } from '../helpers/mock-upstream.ts'

/**
 * kill -9 of an llmux on SQLite under load (issue 12, item 3): after a restart the window still admits
 * exactly its limit (every attempt sent was counted), and every request answered before the kill has
 * its usage row.
 */
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'hi' }] }) })

test('three kill -9s under load: the window admits exactly max_per_hour, and every answer has its row', async () => {
  const upstream = startMockUpstream(() => Response.json(openaiCompletion('hello')))
  cleanups.push(() => upstream.stop())
  const dir = await mkdtemp(path.join(tmpdir(), 'llmux-kill-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const db = path.join(dir, 'llmux.db')
  const configPath = path.join(dir, 'llmux.toml')
  await writeFile(configPath, `store = "${db}"\n[provider.p]\ntype = "openai"\nbase_url = "${upstream.url}/v1"\napi_key = "k"\n\n[[backend]]\nmodel = "p:m"\nmax_per_hour = 40\n`)
  let answered = 0
  let admitted = 0
  for (let round = 0; round < 3; round++) {
    const llmux: RunningLlmux = await startLlmux(configPath)
    // Concurrent load, then kill -9 while the last batch is still in flight.
    const inFlight = Array.from({ length: 16 }, () => chat(llmux.url).then(async (answer) => {
      await answer.text()
      answered++
      if (answer.status === 200) admitted++
    }).catch(() => undefined))
    await Promise.all(inFlight.slice(0, 12))
    await llmux.kill9()
    await Promise.all(inFlight)
  }
  const last = await startLlmux(configPath)
  for (let i = 0; i < 10; i++) {
    const answer = await chat(last.url)
    answered++
    if (answer.status === 200) admitted++
  }
  await last.stop()
  // The window counts every attempt that reached the upstream, across the kills: never more than 40.
  expect(upstream.seen.length).toBe(40)
  expect(admitted).toBeLessThanOrEqual(40)
  const reader = new Database(db, { readonly: true })
  const stored = reader.query<{ count: number }, []>('SELECT COUNT(*) AS count FROM attempts').get()!.count
  const rows = reader.query<{ count: number }, []>('SELECT COUNT(*) AS count FROM requests').get()!.count
  reader.close()
  expect(stored).toBe(40)
  // Every answer a client received (the kill may cut the ones still in flight) has its row.
  expect(rows).toBeGreaterThanOrEqual(answered)
}, 60_000)

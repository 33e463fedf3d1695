/**
 * What a passthrough request costs when llmux changes its `model` (or asks for stream usage): the
 * client's fields set in its own text (setTopLevel) against parse-spread-stringify, on captured
 * Claude Code and Codex requests. `bun bench/body-rewrite.ts`; in-process, a few seconds.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTopLevel } from '../src/gateway/set-top-level.ts'

const FIXTURES = ['claude-code/bash-tool-02-messages.request.json', 'codex/shell-02-responses.request.json']
const RUNS = 3000

const microsPerCall = (work: () => unknown): number => {
  for (let index = 0; index < RUNS / 10; index++) work()
  const started = performance.now()
  for (let index = 0; index < RUNS; index++) work()
  return ((performance.now() - started) * 1000) / RUNS
}

console.log('| request | size | JSON.stringify({...body, model}) | setTopLevel(text, {model}) |')
console.log('| --- | ---: | ---: | ---: |')
for (const fixture of FIXTURES) {
  const capture = JSON.parse(readFileSync(join(import.meta.dir, '..', 'test', 'fixtures', fixture), 'utf8'))
  const body = typeof capture.body === 'string' ? JSON.parse(capture.body) : capture.body
  const text = JSON.stringify(body)
  const stringify = microsPerCall(() => JSON.stringify({ ...body, model: 'routed-model' }))
  const spliced = microsPerCall(() => setTopLevel(text, { model: 'routed-model' }))
  console.log(`| ${fixture} | ${(text.length / 1024).toFixed(0)} kB | ${stringify.toFixed(1)} µs | ${spliced.toFixed(1)} µs |`)
}

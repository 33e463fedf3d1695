import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSse, type SseEvent } from '../src/sse/parse-sse.ts'

// Every recorded stream of every protocol, whoever added it.
const fixtureRoot = join(import.meta.dir, 'fixtures')
const streamFixtures = readdirSync(fixtureRoot, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.stream.sse'))
  .sort()

const lineEnds = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* parts
}

async function parse(parts: Uint8Array[]): Promise<SseEvent[]> {
  const events: SseEvent[] = []
  for await (const event of parseSse(chunks(parts))) events.push(event)
  return events
}

function withLineEnds(text: string, lineEnd: string): Uint8Array {
  return new TextEncoder().encode(text.replace(/\r\n|\r|\n/g, lineEnd))
}

describe('parseSse on recorded streams', () => {
  test('there are stream fixtures to check', () => {
    expect(streamFixtures.length).toBeGreaterThan(5)
  })

  // Split at every byte (inside multi-byte characters and between a CR and its LF included): the
  // events must be exactly those of the whole text in one chunk, whatever the line ends.
  test.each(streamFixtures)('%s: any two-chunk split gives the same events', async (path) => {
    const text = readFileSync(join(fixtureRoot, path), 'utf8')
    const expected = await parse([withLineEnds(text, '\n')])
    expect(expected.length).toBeGreaterThan(0)
    for (const [name, lineEnd] of Object.entries(lineEnds)) {
      const bytes = withLineEnds(text, lineEnd)
      expect({ name, events: await parse([bytes]) }).toEqual({ name, events: expected })
      for (let offset = 1; offset < bytes.length; offset++) {
        const events = await parse([bytes.subarray(0, offset), bytes.subarray(offset)])
        if (!Bun.deepEquals(events, expected)) expect({ name, offset, events }).toEqual({ name, offset, events: expected })
      }
    }
  })
})

describe('parseSse details', () => {
  const parseText = (text: string) => parse([new TextEncoder().encode(text)])

  test('comments are skipped, event names kept, multi-line data joined', async () => {
    expect(await parseText(': ping\n\nevent: message_stop\ndata: {"a":1}\n\ndata: one\ndata: two\n\n')).toEqual([
      { event: 'message_stop', data: '{"a":1}' },
      { data: 'one\ntwo' },
    ])
  })

  test('data lines: one space after the colon is dropped, no space or none at all is fine', async () => {
    expect(await parseText('data:x\n\ndata:  two\n\ndata:\ndata\n\ndata: {"k":"data: v"}\n\n')).toEqual([
      { data: 'x' },
      { data: ' two' },
      { data: '\n' },
      { data: '{"k":"data: v"}' },
    ])
  })

  test('a last event without its blank line is still delivered', async () => {
    expect(await parseText('data: [DONE]')).toEqual([{ data: '[DONE]' }])
  })
})

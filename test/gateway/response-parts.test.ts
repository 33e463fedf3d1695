import { describe, expect, test } from 'bun:test'
import type { ChatResponse, StreamPart } from '../../src/ir/index.ts'
import { partsOfResponse, responseOfParts } from '../../src/ir/response-parts.ts'

/** The answer cache stores whole answers and replays them as streams: the two forms must carry the same answer. */
const answer: ChatResponse = {
  id: 'msg_1',
  model: 'm',
  content: [
    { type: 'thinking', text: 'Let me look.', provenance: { origin: 'anthropic', token: 'sig' } },
    { type: 'redacted_thinking', data: 'opaque' },
    { type: 'text', text: 'Reading two files.' },
    { type: 'tool_call', id: 'call_1', name: 'read', arguments: '{"path":"a"}' },
    { type: 'tool_call', id: 'call_2', itemId: 'fc_2', name: 'read', arguments: '{"path":"b"}' },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 10, outputTokens: 5 },
}

describe('an answer and its stream parts', () => {
  test('a whole answer turned into parts and gathered again is the same answer', () => {
    expect(responseOfParts(partsOfResponse(answer))).toEqual(answer)
  })

  test('deltas of one block are joined; usage reported along the way is merged', () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'x', usage: { inputTokens: 3 } },
      { type: 'text', text: 'Hel' },
      { type: 'ping' },
      { type: 'text', text: 'lo' },
      { type: 'tool_call_start', index: 0, id: 'c', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{"a"' },
      { type: 'tool_call_delta', index: 0, arguments: ':1}' },
      { type: 'usage', usage: { outputTokens: 4 } },
      { type: 'finish', stopReason: 'tool_use' },
    ]
    expect(responseOfParts(parts)).toEqual({
      id: 'x',
      content: [{ type: 'text', text: 'Hello' }, { type: 'tool_call', id: 'c', name: 'f', arguments: '{"a":1}' }],
      stopReason: 'tool_use',
      usage: { inputTokens: 3, outputTokens: 4 },
    })
  })

  test('a stream without its finish, or with an error, is no answer', () => {
    expect(responseOfParts([{ type: 'start' }, { type: 'text', text: 'Hel' }])).toBeUndefined()
    expect(responseOfParts([{ type: 'text', text: 'Hel' }, { type: 'error', kind: 'bad_gateway', message: 'cut' }, { type: 'finish', stopReason: 'end_turn' }])).toBeUndefined()
  })
})

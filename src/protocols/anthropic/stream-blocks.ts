// Content blocks of an encoded Anthropic stream: opens and closes them as the part type changes.
import type { StreamPart } from '../../ir/index.ts'
import { opaqueOf } from '../../ir/signature.ts'
import { formatSse } from '../../sse/format-sse.ts'

/** One SSE event with its `event:` line, which the Anthropic SDK needs (it drops events without one). */
export const sseEvent = (data: { type: string; [key: string]: unknown }): string => formatSse(JSON.stringify(data), data.type)

type ContentPartOfStream = Extract<
  StreamPart,
  { type: 'text' | 'thinking' | 'signature' | 'redacted_thinking' | 'tool_call_start' | 'tool_call_delta' }
>

interface OpenBlock {
  kind: 'text' | 'thinking' | 'tool'
  index: number
  /** A thinking block that got its signature is complete: more thinking opens a new block. */
  isSigned: boolean
}

/**
 * A content_block_delta event written directly: byte for byte what `sseEvent` makes of
 * `{ type: 'content_block_delta', index, delta: { type, [field]: value } }`, without building and
 * stringifying the object (one per token on every translated stream).
 */
const deltaEvent = (index: number, deltaType: string, field: string, value: string): string =>
  `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${deltaType}","${field}":${JSON.stringify(value)}}}\n\n`

/** Writes the content blocks of one stream; every method hands its events to `emit` in order. */
export class BlockWriter {
  private nextIndex = 0
  private open: OpenBlock | undefined
  /** Content block index of each tool call, by IR tool call index. */
  private readonly toolBlocks = new Map<number, number>()

  constructor(private readonly emit: (event: string) => void) {}

  write(part: ContentPartOfStream): void {
    switch (part.type) {
      case 'text':
        if (part.text === '') return
        if (this.open?.kind !== 'text') this.start('text', { type: 'text', text: '' })
        this.emit(deltaEvent(this.open?.index ?? 0, 'text_delta', 'text', part.text))
        return
      case 'thinking':
        if (part.text === '') return
        if (this.open?.kind !== 'thinking' || this.open.isSigned) this.startThinking()
        this.emit(deltaEvent(this.open?.index ?? 0, 'thinking_delta', 'thinking', part.text))
        return
      case 'signature':
        // A signature with no thinking before it (thinking display omitted) still needs its block.
        if (this.open?.kind !== 'thinking') this.startThinking()
        this.emit(deltaEvent(this.open?.index ?? 0, 'signature_delta', 'signature', opaqueOf(part.provenance, 'anthropic')))
        if (this.open !== undefined) this.open.isSigned = true
        return
      case 'redacted_thinking':
        this.start('thinking', { type: 'redacted_thinking', data: part.data })
        this.close()
        return
      case 'tool_call_start':
        // `input: {}` here: the input follows as input_json_delta chunks, the only form Claude Code reads.
        this.start('tool', { type: 'tool_use', id: part.id, name: part.name, input: {} })
        this.toolBlocks.set(part.index, this.open?.index ?? 0)
        return
      case 'tool_call_delta':
        this.toolDelta(part.index, part.arguments)
        return
    }
  }

  /** content_block_stop for the open block, if any. */
  close(): void {
    if (this.open === undefined) return
    this.emit(sseEvent({ type: 'content_block_stop', index: this.open.index }))
    this.open = undefined
  }

  private toolDelta(toolIndex: number, json: string): void {
    const index = this.toolBlocks.get(toolIndex)
    // A delta for a tool call that never started has no block to belong to: dropped.
    if (index === undefined || json === '') return
    // Parallel calls may interleave: a delta for a call whose block is already closed still carries
    // that block's index (the SDK files deltas by index), so no argument text is lost.
    this.emit(deltaEvent(index, 'input_json_delta', 'partial_json', json))
  }

  private startThinking(): void {
    this.start('thinking', { type: 'thinking', thinking: '', signature: '' })
  }

  private start(kind: OpenBlock['kind'], contentBlock: Record<string, unknown>): void {
    this.close()
    const index = this.nextIndex++
    this.open = { kind, index, isSigned: false }
    this.emit(sseEvent({ type: 'content_block_start', index, content_block: contentBlock }))
  }
}

import type { StreamPart } from '../../ir/stream.ts'
import type { Usage } from '../../ir/usage.ts'
import { isObject, stringOrUndefined, type JsonObject } from './narrow.ts'
import { decodeFinishReason } from './stop-reason.ts'
import { ToolCallAssembler } from './tool-call-assembler.ts'
import { decodeUsage, mergeUsage } from './usage.ts'

/**
 * The state of one decoded chat.completion.chunk stream. `decode` turns a chunk into parts; `end`
 * closes the stream. The finish is held until the end: with include_usage, usage arrives after the
 * finish_reason chunk, in a last chunk whose choices are empty.
 */
export class ChunkDecoder {
  private hasStarted = false
  private isThinking = false
  private hasRefusal = false
  private finishReason: string | undefined
  private usage: Usage | undefined
  private readonly toolCalls = new ToolCallAssembler()

  decode(chunk: JsonObject): StreamPart[] {
    const parts: StreamPart[] = []
    if (!this.hasStarted) {
      this.hasStarted = true
      parts.push({ type: 'start', id: stringOrUndefined(chunk.id), model: stringOrUndefined(chunk.model) })
    }
    // Usage may come on the last chunk only, or (vLLM, llama.cpp) running totals on every chunk.
    if (isObject(chunk.usage)) this.usage = mergeUsage(this.usage, decodeUsage(chunk.usage))
    // Only choice 0: llmux never asks for n > 1.
    const choice = Array.isArray(chunk.choices) ? chunk.choices.find((item) => isObject(item) && (item.index ?? 0) === 0) : undefined
    if (!isObject(choice)) return parts
    if (isObject(choice.delta)) this.decodeDelta(choice.delta, parts)
    // Some servers send "" rather than null on chunks that do not finish.
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
      this.closeThinking(parts)
      this.finishReason = choice.finish_reason
    }
    return parts
  }

  private decodeDelta(delta: JsonObject, parts: StreamPart[]): void {
    // DeepSeek and vLLM stream reasoning as reasoning_content, OpenRouter and others as reasoning.
    const reasoning = stringOrUndefined(delta.reasoning_content) ?? stringOrUndefined(delta.reasoning)
    if (reasoning) {
      this.isThinking = true
      parts.push({ type: 'thinking', text: reasoning })
    }
    const text = stringOrUndefined(delta.content)
    if (text) {
      this.closeThinking(parts)
      parts.push({ type: 'text', text })
    }
    const refusal = stringOrUndefined(delta.refusal)
    if (refusal) {
      this.closeThinking(parts)
      this.hasRefusal = true
      parts.push({ type: 'text', text: refusal })
    }
    if (Array.isArray(delta.tool_calls)) {
      this.closeThinking(parts)
      for (const item of delta.tool_calls) parts.push(...this.toolCalls.add(item))
    }
    // role, audio and the legacy function_call carry nothing the IR keeps: dropped.
  }

  /** Reasoning has no signature of its own: the marker names its origin, never a fake one (SPEC §7.1). */
  private closeThinking(parts: StreamPart[]): void {
    if (!this.isThinking) return
    this.isThinking = false
    parts.push({ type: 'signature', provenance: { origin: 'openai' } })
  }

  /**
   * The stream is over: `isDone` says whether `data: [DONE]` arrived. A finish_reason, or [DONE] after
   * at least one chunk, completes the answer; anything less is an upstream cut off mid-answer.
   */
  end(isDone: boolean): StreamPart[] {
    if (!this.hasStarted) return [{ type: 'error', kind: 'bad_gateway', message: 'upstream stream ended before its first chunk' }]
    if (this.finishReason === undefined && !isDone) {
      return [{ type: 'error', kind: 'bad_gateway', message: 'upstream stream ended before a finish_reason' }]
    }
    const parts: StreamPart[] = []
    this.closeThinking(parts)
    const stopReason = this.hasRefusal ? 'refusal' : decodeFinishReason(this.finishReason, this.toolCalls.count > 0)
    parts.push(this.usage === undefined ? { type: 'finish', stopReason } : { type: 'finish', stopReason, usage: this.usage })
    return parts
  }
}

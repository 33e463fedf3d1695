import type { Usage } from '../ir/usage.ts'

/** How one answer ended, as recorded in the log and the store. */
export interface Outcome {
  status: number
  usage: Usage
  /** ms from arrival to the first byte sent to the client. */
  firstByteMs?: number
  /** A stream that ended before the upstream finished it (error, idle timeout, cut connection). */
  isCutShort: boolean
  errorMessage?: string
}

/** Later reports win field by field; fields an event does not report keep their earlier value. */
export function mergeUsage(into: Usage, from: Usage | undefined): void {
  if (!from) return
  if (from.inputTokens !== undefined) into.inputTokens = from.inputTokens
  if (from.outputTokens !== undefined) into.outputTokens = from.outputTokens
  if (from.cacheReadTokens !== undefined) into.cacheReadTokens = from.cacheReadTokens
  if (from.cacheWriteTokens !== undefined) into.cacheWriteTokens = from.cacheWriteTokens
  if (from.reasoningTokens !== undefined) into.reasoningTokens = from.reasoningTokens
}

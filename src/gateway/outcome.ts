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
  /** Answered from the answer cache: nothing was spent. */
  isCacheHit?: boolean
}

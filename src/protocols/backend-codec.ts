import type { Protocol } from './protocol.ts'

/** The half of a protocol llmux needs to talk to a backend of it (Gemini implements only this half). */
export type BackendCodec = Pick<
  Protocol,
  'encodeRequest' | 'decodeResponse' | 'decodeStream' | 'streamDecoder' | 'decodeError' | 'usageOfEvent' | 'usageOfResponse'
>

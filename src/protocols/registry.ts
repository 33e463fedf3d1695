import { anthropic } from './anthropic/index.ts'
import type { BackendCodec } from './backend-codec.ts'
import { gemini } from './gemini/index.ts'
import { openai } from './openai/index.ts'
import type { Protocol, ProtocolName } from './protocol.ts'
import { responses } from './responses/index.ts'

/**
 * Every protocol llmux speaks, in one place (STYLE "next shape" 1). A client protocol has a door (its
 * `route`) and a backend side; Gemini is a backend only. Nothing else asks which protocol it holds:
 * what differs between them is a field or function of the entry.
 */
export const clientProtocols: readonly Protocol[] = [anthropic, openai, responses]

export const backendCodecs: Readonly<Record<ProtocolName, BackendCodec>> = { anthropic, openai, responses, gemini }

export const clientProtocolOf = (name: ProtocolName): Protocol | undefined => clientProtocols.find((protocol) => protocol.name === name)

import { readFileSync } from 'node:fs'
import { CliError } from './command.ts'

import type { ProtocolName } from '../protocols/protocol.ts'

/** Reads a JSON request from a file, or from stdin when no file (or "-") is given. */
export async function readRequest(file: string | undefined): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = file === undefined || file === '-' ? await Bun.stdin.text() : readFileSync(file, 'utf8')
  } catch {
    throw new CliError(`${file}: cannot be read`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new CliError(`${file ?? 'stdin'}: not valid JSON (${(error as Error).message})`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliError(`${file ?? 'stdin'}: expected a JSON object`)
  return json as Record<string, unknown>
}

/**
 * Which protocol a request body is written in. Responses: `input` or `instructions` (neither other
 * protocol has them). Anthropic: a top-level `system` or `thinking`, or
 * content blocks of Anthropic-only types. OpenAI: system/developer/tool roles, tool_calls, or its own
 * top-level fields. A body valid in both (plain user text) reads the same either way: OpenAI.
 */
export function protocolOfBody(body: Record<string, unknown>): ProtocolName {
  if ('input' in body || 'instructions' in body) return 'responses'
  if ('system' in body || 'thinking' in body || 'output_config' in body || 'stop_sequences' in body) return 'anthropic'
  const text = JSON.stringify(body.messages ?? [])
  if (/"type":"(tool_use|tool_result|thinking|redacted_thinking)"|"source":\{/.test(text)) return 'anthropic'
  return 'openai'
}

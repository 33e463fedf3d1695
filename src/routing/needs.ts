import type { Trait } from '../config/config.ts'
import type { ChatRequest, ContentPart, Message } from '../ir/index.ts'
import { estimateTokens } from './estimate-tokens.ts'

/** What a request asks of a backend (SPEC §5). Computed once per request. */
export interface Needs {
  estimatedTokens: number
  hasImages: boolean
  isThinking: boolean
  /** The model the client asked for, as sent. */
  model: string
  traits: Set<Trait>
}

export const LONG_TOKENS = 60_000
export const SHORT_CHARS = 200
/** Code detection reads at most this much of the last user turn, so a pasted log stays cheap. */
const CODE_SCAN_CHARS = 20_000

/**
 * A small/haiku-class model name: "haiku", "mini", "small", "nano", "tiny" or "lite" as a whole
 * word of the name (so "gpt-4o-mini" and "gemini-2.0-flash-lite" match, "gemini-2.5-pro" does not).
 */
const BACKGROUND_MODEL = /(^|[^a-z])(haiku|mini|small|nano|tiny|lite)([^a-z]|$)/i

/**
 * Code in the last user turn (case-sensitive, so prose rarely trips it): a ``` fence; or a line that
 * opens like code: a definition (`def f(`, `function f(`, `class A {`, `fn f(`), an assignment
 * (`const x =`), an import (`import os`, `import x from "y"`, `from a import b`, `#include <x>`) or
 * SQL (`SELECT `, `INSERT INTO `, `CREATE TABLE `); or two lines that end in `;` or `{`.
 */
const CODE_LINE =
  /^\s*(?:(?:def|function|fn|func|class|struct|interface)\s+\w+\s*[(:<{]|(?:const|let|var)\s+\w+\s*(?::[^=]+)?=|import\s+[\w.]+;?\s*$|import\s.+\sfrom\s+['"]|from\s+[\w.]+\s+import\s|#include\s*[<"]|(?:SELECT|INSERT INTO|CREATE TABLE)\s)/

/**
 * `withTraits = false` skips the traits (only `when` reads them; the code scan is the costliest part),
 * for gateways where no backend has a `when`.
 */
export function needsOf(request: ChatRequest, estimatedTokens = estimateTokens(request), withTraits = true): Needs {
  const traits = withTraits ? traitsOf(request, estimatedTokens) : new Set<Trait>()
  return {
    estimatedTokens,
    hasImages: request.messages.some((message) => message.content.some(hasImage)),
    isThinking: isThinkingAsked(request),
    model: request.model,
    traits,
  }
}

function traitsOf(request: ChatRequest, estimatedTokens: number): Set<Trait> {
  const lastUserText = textOf(lastUserTurn(request.messages))
  const hasTools = (request.tools?.length ?? 0) > 0
  const traits = new Set<Trait>()
  if (hasTools) traits.add('tools')
  if (estimatedTokens > LONG_TOKENS) traits.add('long')
  if (looksLikeCode(lastUserText)) traits.add('code')
  if (lastUserText.length < SHORT_CHARS && !hasTools) traits.add('short')
  if (BACKGROUND_MODEL.test(request.model)) traits.add('background')
  return traits
}

/** Thinking is asked by Anthropic `thinking` enabled/adaptive or by any reasoning effort except "none". */
function isThinkingAsked(request: ChatRequest): boolean {
  const type = request.thinking?.type
  if (type === 'enabled' || type === 'adaptive') return true
  return request.reasoningEffort !== undefined && request.reasoningEffort !== 'none'
}

function hasImage(part: ContentPart): boolean {
  if (part.type === 'image') return true
  return part.type === 'tool_result' && part.content.some((inner) => inner.type === 'image')
}

function lastUserTurn(messages: Message[]): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i]
  return undefined
}

/** The typed text of a turn: its text parts only (tool results are tool output, not the user's words). */
function textOf(message: Message | undefined): string {
  if (message === undefined) return ''
  let text = ''
  for (const part of message.content) if (part.type === 'text') text += text === '' ? part.text : '\n' + part.text
  return text
}

/** Line by line with an anchored pattern: a multiline regex would be tried at every character. */
function looksLikeCode(text: string): boolean {
  const scanned = text.length > CODE_SCAN_CHARS ? text.slice(0, CODE_SCAN_CHARS) : text
  if (scanned.includes('```')) return true
  let lineEnds = 0
  for (let start = 0; start < scanned.length; ) {
    const newline = scanned.indexOf('\n', start)
    const end = newline === -1 ? scanned.length : newline
    const line = scanned.slice(start, end)
    if (CODE_LINE.test(line)) return true
    const last = line.trimEnd().at(-1)
    if ((last === ';' || last === '{') && ++lineEnds >= 2) return true
    start = end + 1
  }
  return false
}

import type { ChatRequest } from '../ir/index.ts'

/**
 * The session a request belongs to (SPEC §5), for session affinity: Claude Code's
 * `x-claude-code-session-id` header or the session inside its `metadata.user_id`, Codex's `session-id`
 * / `session_id` header or `prompt_cache_key`, else an OpenAI `user` / `safety_identifier`. Scoped by the
 * client token, so two clients' sessions never share a key. Undefined when the request names none.
 */
export function sessionKeyOf(headers: Headers, chat: ChatRequest, client: string | undefined): string | undefined {
  const session =
    headers.get('x-claude-code-session-id') ??
    headers.get('session-id') ??
    headers.get('session_id') ??
    chat.promptCacheKey ??
    sessionOfUser(chat.user)
  return session ? `${client ?? '-'}:${session}` : undefined
}

/**
 * Claude Code's `metadata.user_id`: newer versions send a JSON string with a `session_id`, older ones
 * `user_<hash>_account_<uuid>_session_<uuid>`; anything else is an end-user id, itself a fine key.
 */
function sessionOfUser(user: string | undefined): string | undefined {
  if (user === undefined || user === '') return undefined
  if (user.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(user)
      const session = (parsed as { session_id?: unknown } | null)?.session_id
      if (typeof session === 'string' && session !== '') return session
    } catch {
      // Not JSON after all: the string itself names the user.
    }
  }
  const marker = user.lastIndexOf('_session_')
  return marker === -1 ? user : user.slice(marker + '_session_'.length) || user
}

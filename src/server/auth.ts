import { timingSafeEqual } from 'node:crypto'
import type { ClientToken } from '../config/config.ts'
import { GatewayError } from '../errors.ts'

/** A token's key is kept only as its SHA-256 digest: equal lengths make the comparison constant-time. */
interface KnownKey {
  token: ClientToken
  digest: Buffer
}

export interface Authenticator {
  /** The client the request belongs to; undefined when no tokens are configured (open loopback gateway). */
  authenticate(headers: Headers): ClientToken | undefined
}

const digestOf = (key: string) => new Bun.CryptoHasher('sha256').update(key).digest() as Buffer

/** Keys presented by the request: `Authorization: Bearer …` and `x-api-key` (Claude Code sometimes sends both). */
function presentedKeys(headers: Headers): string[] {
  const keys: string[] = []
  const authorization = headers.get('authorization')
  if (authorization && /^bearer\s+/i.test(authorization)) keys.push(authorization.replace(/^bearer\s+/i, '').trim())
  const apiKey = headers.get('x-api-key')
  if (apiKey) keys.push(apiKey.trim())
  return keys
}

export function createAuthenticator(tokens: ClientToken[]): Authenticator {
  const known: KnownKey[] = tokens.map((token) => ({ token, digest: digestOf(token.key) }))
  return {
    authenticate(headers) {
      if (known.length === 0) return undefined
      const keys = presentedKeys(headers)
      if (keys.length === 0) {
        throw new GatewayError('authentication', 'missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"', { isFinal: true })
      }
      for (const key of keys) {
        const digest = digestOf(key)
        let match: ClientToken | undefined
        // Compare against every key so timing does not depend on which one matched.
        for (const entry of known) if (timingSafeEqual(digest, entry.digest)) match = entry.token
        if (match) return match
      }
      throw new GatewayError('authentication', 'invalid API key', { isFinal: true })
    },
  }
}

/** SPEC §4: without tokens llmux only serves on a loopback address. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

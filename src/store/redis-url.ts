/** A `store = "redis://…"` URL, checked once when the config loads (SPEC §12). */
export interface RedisTarget {
  /** The URL as given, password included: only ever handed to the client. */
  url: string
  isTls: boolean
  host: string
  port: number
  db: number
  /** The URL without its password, for log lines and `llmux check`. */
  label: string
}

export function isRedisUrl(spec: string): boolean {
  return /^rediss?:\/\//i.test(spec)
}

/**
 * `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS). A `${VAR}` in the config is
 * expanded before this sees it. Throws one line that names what is wrong.
 */
export function parseRedisUrl(spec: string): RedisTarget {
  let url: URL
  try {
    url = new URL(spec)
  } catch {
    throw new Error(`expected a redis://host:port/db URL, got "${redact(spec)}"`)
  }
  const scheme = url.protocol.toLowerCase()
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw new Error(`expected redis:// or rediss://, got "${url.protocol}//"`)
  if (url.hostname === '') throw new Error(`"${redact(spec)}" names no host`)
  const port = url.port === '' ? 6379 : Number(url.port)
  const path = url.pathname.replace(/^\//, '')
  if (path !== '' && !/^\d+$/.test(path)) {
    throw new Error(`the database in "${redact(spec)}" must be a number (redis://host:port/0), got "${path}"`)
  }
  if (url.search !== '' || url.hash !== '') throw new Error(`"${redact(spec)}": query parameters are not supported`)
  const db = path === '' ? 0 : Number(path)
  const label = `${scheme}//${url.hostname}:${port}/${db}`
  return { url: spec, isTls: scheme === 'rediss:', host: url.hostname, port, db, label }
}

/** The URL with any password replaced, for messages. */
function redact(spec: string): string {
  return spec.replace(/\/\/([^@/]*)@/, (_match, userinfo: string) => {
    const user = userinfo.includes(':') ? `${userinfo.split(':')[0]}:` : ''
    return `//${user}***@`
  })
}

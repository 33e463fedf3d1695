import packageJson from '../../package.json' with { type: 'json' }
import type { Gateway } from '../gateway/gateway.ts'
import { errorResponse } from '../gateway/respond.ts'
import { openai } from '../protocols/openai/index.ts'
import { loginPage, statusPage } from './status-page.ts'
import { startOfUtcDay, statusOf, type Status } from './status.ts'

/** The cookie the login form sets; its value is the token itself, HttpOnly so page scripts never see it. */
const COOKIE = 'llmux_token'

/** The request's headers, plus the login cookie as a Bearer token when it carries one. */
function headersWithCookie(request: Request): Headers {
  const token = cookieOf(request.headers.get('cookie'), COOKIE)
  if (token === undefined || request.headers.has('authorization')) return request.headers
  const headers = new Headers(request.headers)
  headers.set('authorization', `Bearer ${token}`)
  return headers
}

function cookieOf(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=')
    if (key !== name) continue
    try {
      return decodeURIComponent(value.join('='))
    } catch {
      return undefined
    }
  }
  return undefined
}

function isAllowed(gateway: Gateway, headers: Headers): boolean {
  try {
    gateway.authenticator.authenticate(headers)
    return true
  } catch {
    return false
  }
}

async function currentStatus(gateway: Gateway, startedAtMs: number): Promise<Status> {
  const nowMs = gateway.now()
  const sinceMs = startOfUtcDay(nowMs)
  const [byBackend, byClient] = await Promise.all([gateway.store.usage({ sinceMs, groupBy: 'backend' }), gateway.store.usage({ sinceMs, groupBy: 'client' })])
  return statusOf(gateway, { byBackend, byClient }, packageJson.version, startedAtMs, nowMs)
}

/** GET /status: JSON; a token (header or the login cookie) when tokens are configured. */
export async function statusJson(gateway: Gateway, request: Request, startedAtMs: number): Promise<Response> {
  try {
    gateway.authenticator.authenticate(headersWithCookie(request))
  } catch (error) {
    return errorResponse(openai, error)
  }
  return Response.json(await currentStatus(gateway, startedAtMs), { headers: { 'cache-control': 'no-store' } })
}

const html = (text: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(text, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } })

/** GET /: the status page, or only the login form when tokens are set and none valid came with the request. */
export async function statusHtml(gateway: Gateway, request: Request, startedAtMs: number): Promise<Response> {
  if (!isAllowed(gateway, headersWithCookie(request))) return html(loginPage(false), 401)
  return html(statusPage(await currentStatus(gateway, startedAtMs)))
}

/** POST /login: a valid token becomes an HttpOnly, SameSite=Strict cookie and the browser goes back to /. */
export async function login(gateway: Gateway, request: Request): Promise<Response> {
  let token = ''
  try {
    const form = await request.formData()
    token = String(form.get('token') ?? '').trim()
  } catch {
    // Not a form: treated as a wrong token.
  }
  const presented = new Headers(token ? { authorization: `Bearer ${token}` } : {})
  if (!token || !isAllowed(gateway, presented)) return html(loginPage(true), 401)
  const secure = gateway.config.tls ? '; Secure' : ''
  const cookie = `${COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure}`
  return new Response(null, { status: 303, headers: { location: '/', 'set-cookie': cookie } })
}

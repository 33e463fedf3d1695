import { windowLabel, type BackendStatus, type RecentStatus, type Status, type UsageTotals } from './status.ts'

/**
 * The status page for people (SPEC §4, GET /): plain HTML and inline CSS, no scripts, no external
 * assets; the browser refreshes it every 5 seconds. Every piece of text goes through `escape`.
 */
export function statusPage(status: Status): string {
  const body = [
    `<h1>llmux <small>${escape(status.version)}</small></h1>`,
    `<p class="meta">up ${escape(duration(status.uptimeS))} · store <span class="state ${escape(status.store)}">${escape(status.store)}</span> · affinity hit ${status.affinity.hit}, moved ${status.affinity.moved}, new ${status.affinity.new}</p>`,
    '<h2>Backends</h2>',
    table(['backend', 'provider', 'state', 'windows'], status.backends.map(backendCells)),
    '<h2>Today by backend</h2>',
    totals('backend', status.today.byBackend),
    '<h2>Today by client</h2>',
    totals('client', status.today.byClient),
    '<h2>Last requests</h2>',
    status.recent.length === 0 ? '<p class="none">no requests yet</p>' : table(['time', 'client', 'protocol', 'model', 'backend', 'status', 'ms', 'tokens in/out', 'cost USD'], status.recent.map(recentCells)),
  ]
  return page('llmux status', body.join('\n'), true)
}

/** What the page shows without a valid token: the form alone, nothing about backends or traffic. */
export function loginPage(isRetry: boolean): string {
  const body = [
    '<h1>llmux</h1>',
    isRetry ? '<p class="error">That token is not valid.</p>' : '<p>Enter an llmux token to see the status page.</p>',
    '<form method="post" action="/login"><label>token <input type="password" name="token" autocomplete="current-password" autofocus required></label> <button type="submit">Sign in</button></form>',
  ]
  return page('llmux', body.join('\n'), false)
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1 small{font-weight:normal;color:#777;font-size:60%}h2{font-size:110%;margin:1.4em 0 .4em}
table{border-collapse:collapse;background:#fff}th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}.meta,.none{color:#555}.error{color:#b00}
.state{padding:0 .4em;border-radius:3px}.ok{background:#d9f2d9}.cooling,.window_full,.degraded{background:#fde9c8}.disabled,.down,.err{background:#f6d0d0}`

function page(title: string, body: string, refreshes: boolean): string {
  const refresh = refreshes ? '<meta http-equiv="refresh" content="5">' : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}
<title>${escape(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body></html>
`
}

/** A cell is text (escaped here) or `{ html }` already built from escaped parts. */
type Cell = string | { html: string; isNumber?: boolean }

function table(header: string[], rows: Cell[][]): string {
  const head = `<tr>${header.map((title) => `<th>${escape(title)}</th>`).join('')}</tr>`
  const cell = (value: Cell) => (typeof value === 'string' ? `<td>${escape(value)}</td>` : `<td${value.isNumber ? ' class="n"' : ''}>${value.html}</td>`)
  return `<table>${head}${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')}</table>`
}

const numberCell = (value: number | undefined, digits = 0): Cell => ({ html: value === undefined ? '-' : escape(value.toFixed(digits)), isNumber: true })

function backendCells(backend: BackendStatus): Cell[] {
  const until = backend.coolingUntil ? ` until ${escape(backend.coolingUntil)}` : ''
  const state = { html: `<span class="state ${escape(backend.state)}">${escape(backend.state.replace('_', ' '))}</span>${until}` }
  const windows = backend.windows.map(windowLabel).join(', ')
  return [backend.id, backend.provider, state, windows || '-']
}

function totals(group: string, rows: UsageTotals[]): string {
  if (rows.length === 0) return '<p class="none">no requests today</p>'
  const cells = rows.map((row) => [row.key, numberCell(row.requests), numberCell(row.errors), numberCell(row.inputTokens), numberCell(row.outputTokens), numberCell(row.costUsd, 4)])
  return table([group, 'requests', 'errors', 'input tokens', 'output tokens', 'cost USD'], cells)
}

function recentCells(request: RecentStatus): Cell[] {
  const status = { html: `<span class="state ${request.status >= 400 ? 'err' : 'ok'}">${request.status}</span>` }
  const tokens = `${request.inputTokens ?? '-'}/${request.outputTokens ?? '-'}`
  return [request.time.slice(11, 19), request.client ?? '-', request.protocol, request.model, request.backend ?? '-', status, numberCell(request.ms), tokens, numberCell(request.costUsd, 6)]
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`
}

/** HTML text and attribute escaping. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/**
 * A mock upstream on a raw TCP socket (127.0.0.1, port 0) that can drop the connection in the middle of
 * a chunked answer, which Bun.serve cannot do without reporting an error. It answers each request with
 * the handler's Response; one marked `x-mock-cut: drop` is sent as a chunked body whose terminating
 * chunk never comes: the socket closes instead. Every request is recorded like startMockUpstream does.
 */
import type { MockHandler, MockUpstream, SeenRequest } from '../helpers/mock-upstream.ts'

export const DROP_HEADER = 'x-mock-cut'

interface Parsed {
  method: string
  path: string
  headers: Record<string, string>
  bodyText: string
}

/** The request in `bytes` once it is whole (content-length or chunked body), else undefined. */
function parseRequest(bytes: Buffer): Parsed | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n')
  if (headEnd < 0) return undefined
  const [requestLine = '', ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n')
  const [method = '', target = ''] = requestLine.split(' ')
  const headers = Object.fromEntries(headerLines.map((line) => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
  }))
  const rest = bytes.subarray(headEnd + 4)
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = []
    let at = 0
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at)
      if (lineEnd < 0) return undefined
      const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16)
      if (size === 0) break
      if (rest.length < lineEnd + 2 + size + 2) return undefined
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
      at = lineEnd + 2 + size + 2
    }
    return { method, path: target, headers, bodyText: Buffer.concat(parts).toString('utf8') }
  }
  const length = Number(headers['content-length'] ?? 0)
  if (rest.length < length) return undefined
  return { method, path: target, headers, bodyText: rest.subarray(0, length).toString('utf8') }
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' }

async function answer(socket: { write(data: string | Uint8Array): number; end(): void }, response: Response): Promise<void> {
  const isDrop = response.headers.get(DROP_HEADER) === 'drop'
  const body = new Uint8Array(await response.arrayBuffer())
  const headers = [...response.headers].filter(([name]) => name !== DROP_HEADER && name !== 'content-length' && name !== 'transfer-encoding')
  const head = [`HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? 'Status'}`, ...headers.map(([name, value]) => `${name}: ${value}`), 'connection: close']
  if (!isDrop) {
    socket.write(`${[...head, `content-length: ${body.length}`].join('\r\n')}\r\n\r\n`)
    socket.write(body)
    socket.end()
    return
  }
  socket.write(`${[...head, 'transfer-encoding: chunked'].join('\r\n')}\r\n\r\n`)
  socket.write(`${body.length.toString(16)}\r\n`)
  socket.write(body)
  socket.write('\r\n')
  // Let the client read what was sent before the connection goes (no `0\r\n\r\n` ever comes).
  await Bun.sleep(150)
  socket.end()
}

export function startDroppingUpstream(handler: MockHandler): MockUpstream {
  const seen: SeenRequest[] = []
  const server = Bun.listen<{ buffer: Buffer; isAnswered: boolean }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(socket) {
        socket.data = { buffer: Buffer.alloc(0), isAnswered: false }
      },
      data(socket, chunk) {
        if (socket.data.isAnswered) return
        socket.data.buffer = Buffer.concat([socket.data.buffer, chunk])
        const parsed = parseRequest(socket.data.buffer)
        if (!parsed) return
        socket.data.isAnswered = true
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(parsed.bodyText)
        } catch {
          // Non-JSON bodies are recorded as text only.
        }
        const entry: SeenRequest = { ...parsed, body }
        seen.push(entry)
        void Promise.resolve(handler(entry, seen.length - 1)).then((response) => answer(socket, response))
      },
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, seen, stop: async () => server.stop(true) }
}

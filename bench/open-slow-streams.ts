/**
 * Opens many slow SSE streams at once over raw sockets (fetch in Bun runs at most 256 requests at a
 * time, which would cap the client side), waits until each has its first event, and keeps them open.
 */
import type { Socket } from 'bun'
import type { TargetRequest } from './scenarios.ts'

export interface OpenStreams {
  /** Streams whose first event arrived. */
  opened: number
  /** Streams answered with a status other than 200, or closed before their first event. */
  failed: number
  /** Streams still waiting for their first event when the deadline passed. */
  waiting: number
  closeAll(): void
}

function rawRequest(port: number, request: TargetRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  const length = Buffer.byteLength(request.body)
  return `POST ${request.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${headers}content-length: ${length}\r\n\r\n${request.body}`
}

type StreamState = 'waiting' | 'opened' | 'failed'

/** Stop waiting when no stream has opened or failed for this long. */
const STALLED_AFTER_MS = 3_000

/** Opens `count` streams, cycling through `requests`; gives up waiting after `deadlineMs` or a stall. */
export async function openSlowStreams(port: number, requests: TargetRequest[], count: number, deadlineMs: number): Promise<OpenStreams> {
  const states: StreamState[] = []
  const sockets: Socket[] = []
  const tally = (state: StreamState) => states.filter((each) => each === state).length
  for (let index = 0; index < count; index++) {
    states[index] = 'waiting'
    let seen = ''
    const settle = (state: StreamState) => {
      if (states[index] === 'waiting') states[index] = state
    }
    const socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data(_socket, bytes) {
          if (states[index] !== 'waiting') return
          seen += bytes.toString()
          if (!seen.startsWith('HTTP/1.1 200')) return settle(seen.length >= 12 ? 'failed' : 'waiting')
          if (seen.includes('data:')) settle('opened')
        },
        close: () => settle('failed'),
        error: () => settle('failed'),
      },
    })
    socket.write(rawRequest(port, requests[index % requests.length]))
    sockets.push(socket)
  }
  const startedAt = performance.now()
  let lastProgressAt = startedAt
  let waiting = tally('waiting')
  while (waiting > 0 && performance.now() - startedAt < deadlineMs && performance.now() - lastProgressAt < STALLED_AFTER_MS) {
    await Bun.sleep(50)
    const nowWaiting = tally('waiting')
    if (nowWaiting < waiting) lastProgressAt = performance.now()
    waiting = nowWaiting
  }
  return {
    opened: tally('opened'),
    failed: tally('failed'),
    waiting: tally('waiting'),
    closeAll: () => sockets.forEach((socket) => socket.end()),
  }
}

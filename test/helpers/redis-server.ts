import type { Subprocess } from 'bun'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A redis-server this test started: on 127.0.0.1, no persistence, its own scratch dir, stopped by PID. */
export interface RunningRedis {
  url: string
  port: number
  /** SIGTERM, then SIGKILL if it lingers; removes the scratch dir. */
  stop(): Promise<void>
  /** SIGKILL at once (the dir stays, for restart). */
  kill9(): Promise<void>
  /** Starts it again on the same port (empty: nothing is saved). */
  restart(): Promise<void>
  /** SIGSTOP / SIGCONT: a server that holds connections open and answers nothing. */
  freeze(): void
  thaw(): void
}

const START_TIMEOUT_MS = 5000

/** Fails clearly, never skips, when redis-server is not installed (.ci/run installs it from Debian packages). */
export async function startRedis(): Promise<RunningRedis> {
  const binary = Bun.which('redis-server')
  if (binary === null) {
    throw new Error('redis-server is not installed: `apt-get install -y redis-server` (Debian package) to run the Redis store tests')
  }
  const dir = mkdtempSync(join(tmpdir(), 'llmux-redis-'))
  const port = await freePort()
  let child: Subprocess | undefined = await spawnRedis(binary, port, dir)

  const kill = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const running = child
    child = undefined
    if (running === undefined) return
    running.kill(signal)
    // A frozen server (freeze()) handles SIGTERM only once it runs again.
    if (signal === 'SIGTERM') running.kill('SIGCONT')
    const exited = await Promise.race([running.exited.then(() => true), Bun.sleep(2000).then(() => false)])
    if (!exited) {
      running.kill('SIGKILL')
      await running.exited
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
    kill9: () => kill('SIGKILL'),
    async restart() {
      await kill('SIGTERM')
      mkdirSync(dir, { recursive: true })
      child = await spawnRedis(binary, port, dir)
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  }
}

async function spawnRedis(binary: string, port: number, dir: string): Promise<Subprocess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no']
  const child = Bun.spawn([binary, ...args], { stdout: 'pipe', stderr: 'pipe' })
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const output = (await new Response(child.stdout).text()) + (await new Response(child.stderr).text())
      throw new Error(`redis-server exited with ${child.exitCode} on port ${port}:\n${output.slice(-2000)}`)
    }
    if (await answersPing(port)) return child
    await Bun.sleep(20)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`)
}

/** One raw RESP PING over TCP, so the helper does not depend on the client under test. */
async function answersPing(port: number): Promise<boolean> {
  const { promise, resolve } = Promise.withResolvers<boolean>()
  const timer = setTimeout(() => resolve(false), 500)
  try {
    await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => void socket.write('PING\r\n'),
        data: (socket, data) => {
          resolve(Buffer.from(data).toString().startsWith('+PONG'))
          socket.end()
        },
        error: () => resolve(false),
        close: () => resolve(false),
        connectError: () => resolve(false),
      },
    })
  } catch {
    resolve(false)
  }
  const answer = await promise
  clearTimeout(timer)
  return answer
}

/** A port the kernel just handed out on 127.0.0.1 (closed again before redis-server binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

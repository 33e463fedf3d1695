/** Starts a server process and times it from spawn to its first served request. */

export interface ServerProcess {
  name: string
  pid: number
  baseUrl: string
  /** Milliseconds from spawn to the first request `probe` accepted. */
  startupMs: number
  /** The last few kB of its stdout and stderr. */
  output(): string
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export interface SpawnOptions {
  name: string
  command: string[]
  port: number
  env?: Record<string, string>
  timeoutMs: number
  /** Resolves true once the server answered a real request correctly; may throw while it is down. */
  probe: (baseUrl: string) => Promise<boolean>
}

const OUTPUT_KEEP_CHARS = 4_000

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const { port } = listener
  listener.stop(true)
  return port
}

async function collect(stream: ReadableStream<Uint8Array>, sink: { text: string }) {
  const decoder = new TextDecoder()
  for await (const bytes of stream) sink.text = (sink.text + decoder.decode(bytes, { stream: true })).slice(-OUTPUT_KEEP_CHARS)
}

export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const baseUrl = `http://127.0.0.1:${options.port}`
  const startedAt = performance.now()
  const child = Bun.spawn(options.command, { env: { ...process.env, ...options.env }, stdout: 'pipe', stderr: 'pipe' })
  const sink = { text: '' }
  void collect(child.stdout, sink)
  void collect(child.stderr, sink)
  const stop = async (graceMs = 3_000) => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    const hasExited = await Promise.race([child.exited.then(() => true), Bun.sleep(graceMs).then(() => false)])
    if (!hasExited) child.kill('SIGKILL')
    await child.exited
  }
  while (performance.now() - startedAt < options.timeoutMs) {
    if (child.exitCode !== null) break
    const isServing = await options.probe(baseUrl).catch(() => false)
    if (isServing) {
      const startupMs = performance.now() - startedAt
      return { name: options.name, pid: child.pid, baseUrl, startupMs, output: () => sink.text, stop }
    }
    await Bun.sleep(1)
  }
  await stop()
  const reason = child.exitCode !== null ? `exited with code ${child.exitCode}` : `did not serve within ${options.timeoutMs} ms`
  throw new Error(`${options.name} ${reason}.\n${sink.text.trim()}`)
}

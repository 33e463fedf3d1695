import { GatewayError } from '../errors.ts'

export interface JsonBody {
  /** The body exactly as received (same-protocol traffic is forwarded from it). */
  text: string
  json: Record<string, unknown>
}

/** Reads a JSON object body within the size limit, or throws the error the caller should see. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const text = await readText(request, maxBytes)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new GatewayError('invalid_request', `request body is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError('invalid_request', 'request body must be a JSON object')
  }
  return { text, json: json as Record<string, unknown> }
}

/**
 * The body as text, never more than `maxBytes` of it held: a declared Content-Length over the limit is
 * refused unread, and a body without one (chunked) is counted as it arrives and dropped, its reader
 * cancelled, the moment it passes the limit. Bun's own limit sits far above, so the 413 is llmux's, in
 * the caller's protocol (SPEC §4).
 */
async function readText(request: Request, maxBytes: number): Promise<string> {
  try {
    return await readWithin(request, maxBytes)
  } catch (error) {
    if (error instanceof GatewayError) throw error
    // The client broke off its own body: nothing usable arrived.
    throw new GatewayError('invalid_request', 'the request body could not be read')
  }
}

async function readWithin(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes)
    // An honest length within the limit: Bun reads exactly that much, in one native call.
    return request.text()
  }
  if (request.body === null) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let totalBytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    totalBytes += value.byteLength
    if (totalBytes > maxBytes) {
      void reader.cancel().catch(() => {})
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, totalBytes).toString('utf8')
}

const tooLarge = (maxBytes: number) =>
  new GatewayError('request_too_large', `request body exceeds the ${Math.round(maxBytes / 1048576)} MB limit (max_body_mb)`)

import { GatewayError } from '../errors.ts'

export interface JsonBody {
  /** The body exactly as received (same-protocol traffic is forwarded from it). */
  text: string
  json: Record<string, unknown>
}

/** Reads a JSON object body within the size limit, or throws the error the caller should see. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  let text: string
  try {
    text = await request.text()
  } catch {
    // Bun's own limit (set a little above ours) aborts the read.
    throw tooLarge(maxBytes)
  }
  if (Number.isNaN(declared) && Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes)
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

const tooLarge = (maxBytes: number) =>
  new GatewayError('request_too_large', `request body exceeds the ${Math.round(maxBytes / 1048576)} MB limit (max_body_mb)`)

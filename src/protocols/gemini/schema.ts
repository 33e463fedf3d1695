/**
 * JSON Schema for Gemini. Tool parameters go in `parametersJsonSchema` and structured output in
 * `responseJsonSchema`, both of which take JSON Schema as written (the older `parameters`/`responseSchema`
 * fields take only an OpenAPI subset and reject additionalProperties, const, anyOf unions and more).
 * Every function here returns a copy: the client's schema object is never changed.
 */

/** The schema without its root `$schema`: it only names the draft, and Gemini rejects the keyword. */
export function encodeJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...schema }
  delete copy.$schema
  return copy
}

/** A tool's input schema. Gemini wants an object schema; a tool without parameters may arrive as `{}`. */
export function encodeParametersSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = encodeJsonSchema(schema)
  return copy.type === undefined ? { type: 'object', properties: {}, ...copy } : copy
}

import type { ResponseFormat } from '../../ir/request.ts'
import { invalid, optionalBoolean, optionalString, requireObject, requireString } from './narrow.ts'
import type { OpenAIResponseFormat } from './wire.ts'

export function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined
  const format = requireObject(value, 'response_format')
  const type = requireString(format, 'type', 'response_format')
  if (type === 'text' || type === 'json_object') return { type }
  if (type !== 'json_schema') throw invalid('response_format.type', '"text", "json_object" or "json_schema"', type)
  const spec = requireObject(format.json_schema, 'response_format.json_schema')
  const path = 'response_format.json_schema'
  const decoded: ResponseFormat = { type: 'json_schema', schema: requireObject(spec.schema ?? {}, `${path}.schema`) }
  const name = optionalString(spec, 'name', path)
  if (name !== undefined) decoded.name = name
  const strict = optionalBoolean(spec, 'strict', path)
  if (strict !== undefined) decoded.strict = strict
  const description = optionalString(spec, 'description', path)
  if (description !== undefined) decoded.description = description
  return decoded
}

export function encodeResponseFormat(format: ResponseFormat): OpenAIResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type }
  return {
    type: 'json_schema',
    json_schema: {
      // OpenAI requires a name; Anthropic's output_config.format has none.
      name: format.name ?? 'response',
      schema: format.schema,
      ...(format.strict !== undefined && { strict: format.strict }),
      ...(format.description !== undefined && { description: format.description }),
    },
  }
}

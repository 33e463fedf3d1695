import { describe, expect, test } from 'bun:test'
import { SCENARIOS, SLOW_STREAM_SCENARIOS, targetRequest, type ScenarioName } from './scenarios.ts'

const scenario = (name: ScenarioName) => SCENARIOS.find((each) => each.name === name)!

describe('targetRequest', () => {
  test('llmux and the forwarder get each client API at its own path, direct always at chat completions', () => {
    for (const [name, path] of [['openai', '/v1/chat/completions'], ['anthropic', '/v1/messages'], ['responses', '/v1/responses']] as const) {
      expect(targetRequest('llmux', scenario(name)).path).toBe(path)
      expect(targetRequest('forwarder', scenario(name)).path).toBe(path)
      expect(targetRequest('direct', scenario(name)).path).toBe('/v1/chat/completions')
    }
  })

  test('every target gets the same body for a scenario', () => {
    for (const each of SCENARIOS) {
      const body = targetRequest('llmux', each).body
      expect(targetRequest('direct', each).body).toBe(body)
      expect(targetRequest('forwarder', each).body).toBe(body)
    }
  })

  test('a Responses body carries input, instructions and a flat function tool, and the stream flag the mock reads', () => {
    const body = JSON.parse(targetRequest('llmux', scenario('responses-stream'), 'bench-hold').body)
    expect(body.stream).toBe(true)
    expect(body.store).toBe(false)
    expect(body.instructions).toContain('concise assistant')
    expect(body.input.at(-1).content[0]).toEqual({ type: 'input_text', text: 'Celsius, please. bench-hold' })
    expect(body.tools[0].name).toBe('get_weather')
    expect(targetRequest('llmux', scenario('responses-stream')).body).toMatch(/"stream"\s*:\s*true/)
    expect(JSON.parse(targetRequest('llmux', scenario('responses')).body).stream).toBe(false)
  })

  test('the open-streams figure stays half OpenAI, half Anthropic', () => {
    expect(SLOW_STREAM_SCENARIOS.map((each) => each.name)).toEqual(['openai-stream', 'anthropic-stream'])
  })
})

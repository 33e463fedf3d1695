import type { PassthroughProbe } from '../protocol.ts'

/** How llmux reads a Messages stream it passes through: `message_stop` ends it; usage always comes. */
export const probe: PassthroughProbe = {
  isTerminal: (event) => event.event === 'message_stop',
  isError: (event) => event.event === 'error',
  markers: ['"message_', 'error'],
}

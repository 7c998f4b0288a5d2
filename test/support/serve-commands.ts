/** The runner's side of test/support/child.ts: commands in on stdin, answers out on stdout, as JSON lines. */
import { createInterface } from 'node:readline'

/** Writes one message (an answer or an event) to the parent. */
export const emit = (message: object): void => void process.stdout.write(JSON.stringify(message) + '\n')

/** Serves a runner's side of the protocol: reads commands from stdin, answers each on stdout. */
export function serveCommands(
  commands: Record<string, (args: Record<string, unknown>) => Promise<unknown> | unknown>,
): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const { id, cmd, args } = JSON.parse(line) as { id: number; cmd: string; args?: Record<string, unknown> }
    Promise.resolve()
      .then(() => {
        const command = commands[cmd]
        if (command == null) throw new Error(`unknown command ${cmd}`)
        return command(args ?? {})
      })
      .then(
        (result) => emit({ id, ok: true, result }),
        (err: Error) => emit({ id, ok: false, error: `${err.name}: ${err.message}` }),
      )
  })
}

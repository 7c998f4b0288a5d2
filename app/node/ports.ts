/** Port helpers: a configured port that another program holds must not stop the node from starting. */
import { createServer } from 'node:net'

/** True if `port` can be bound on `host` now. Port 0 is always free. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** The port to use: the configured one if free on every host, else 0 (any free port). */
export async function choosePort(port: number, hosts: string[]): Promise<number> {
  for (const host of hosts) if (!(await isPortFree(port, host))) return 0
  return port
}

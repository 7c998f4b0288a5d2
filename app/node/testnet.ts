/**
 * `npm run testnet -- --nodes N`: N local nodes on loopback, joined into one network, each with its own
 * dashboard URL. For demos and manual testing; data lives in --base-dir (default: a fresh temp dir).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createHyperMeshNode, startLocalApiServer, type HyperMeshNode, type LocalApiServer } from './index'

const here = dirname(fileURLToPath(import.meta.url))

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { nodes: { type: 'string', default: '3' }, 'base-dir': { type: 'string' } },
  })
  const count = Number(values.nodes)
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new Error('--nodes must be 1–32')
  const baseDir = values['base-dir'] ?? mkdtempSync(join(tmpdir(), 'hypermesh-testnet-'))
  const running: Array<{ node: HyperMeshNode; server: LocalApiServer }> = []

  const stopAll = async (): Promise<void> => {
    for (const { node, server } of running.reverse()) {
      await server.close().catch(() => {})
      await node.stop().catch(() => {})
    }
  }
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)))
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)))

  for (let i = 0; i < count; i++) {
    const node = await createHyperMeshNode({
      dataDir: join(baseDir, `node-${i + 1}`),
      mode: 'headless',
      config: {
        devnetName: `testnet (${count} nodes)`,
        listen: { loopbackOnly: true },
        discovery: { mdns: false },
      },
    })
    await node.start()
    const server = await startLocalApiServer({
      dispatcher: node.api,
      port: 0,
      staticDir: join(here, '..', 'renderer'),
    })
    running.push({ node, server })
  }
  const first = running[0]
  if (first == null) return
  const invite = await first.node.api.dispatch({ id: 1, method: 'network.invite', params: {} })
  if (!invite.ok) throw new Error(invite.error.message)
  for (const { node } of running.slice(1)) {
    const joined = await node.api.dispatch({ id: 2, method: 'network.join', params: invite.result })
    if (!joined.ok) throw new Error(`node ${node.peerId} could not join: ${joined.error.message}`)
  }
  console.log(`HyperMesh testnet: ${count} nodes on loopback, data in ${baseDir}`)
  running.forEach(({ node, server }, i) =>
    console.log(`  node ${i + 1}  ${node.peerId}\n          ${server.uiUrl}`),
  )
  console.log('Press Ctrl+C to stop them all.')
}

main().catch((err: Error) => {
  console.error(`testnet: ${err.message}`)
  process.exit(1)
})

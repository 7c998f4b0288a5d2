/**
 * One API suite, run against both carriers of the contract: the Electron IPC handler layer (exercised
 * without an Electron binary, as main/ipc.ts wires it) and the local API over a real WebSocket.
 * A call must mean the same on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiError, type HyperMeshApi, type HyperMeshBridge, type RpcEvent } from '../shared/api'
import { createApiClient } from '../shared/client'
import { createWebSocketBridge, type WebSocketBridge } from '../shared/ws-bridge'
import {
  createHyperMeshNode,
  createPassphraseProtector,
  startLocalApiServer,
  type HyperMeshNode,
  type LocalApiServer,
} from '../app/node'
import { createEventForwarder, createIpcCallHandler } from '../main/ipc-handlers'

const APP_URL = 'file:///opt/HyperMesh/resources/app/dist/renderer/index.html'

/** The IPC carrier as preload + main build it, with the IPC hop replaced by a direct call. */
function ipcBridge(node: HyperMeshNode): HyperMeshBridge {
  const handle = createIpcCallHandler({ dispatcher: node.api, isTrustedSender: (url) => url === APP_URL })
  const listeners = new Set<(event: RpcEvent) => void>()
  createEventForwarder(node.api, (event) => listeners.forEach((l) => l(structuredClone(event))))
  return {
    // structuredClone: IPC copies values the same way; nothing may rely on shared references.
    call: async (request) =>
      structuredClone(await handle({ senderFrame: { url: APP_URL } }, structuredClone(request))),
    onEvent: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

async function expectApiError(promise: Promise<unknown>, code: string): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  expect((err as ApiError).code).toBe(code)
  return err as ApiError
}

const base = mkdtempSync(join(tmpdir(), 'hm-carriers-'))
let node: HyperMeshNode
let peer: HyperMeshNode
let server: LocalApiServer
let ws: WebSocketBridge

const carriers: Array<[string, () => HyperMeshApi]> = [
  ['IPC handler layer', () => createApiClient(ipcBridge(node))],
  ['local WebSocket', () => createApiClient(ws)],
]

beforeAll(async () => {
  const quiet = { listen: { loopbackOnly: true }, discovery: { mdns: false }, logLevel: 'warn' as const }
  const protector = createPassphraseProtector('carrier-test-passphrase', { cost: 2 ** 12 })
  node = await createHyperMeshNode({
    dataDir: join(base, 'node'),
    mode: 'desktop',
    keyProtector: protector,
    config: quiet,
  })
  peer = await createHyperMeshNode({
    dataDir: join(base, 'peer'),
    mode: 'headless',
    keyProtector: protector,
    config: quiet,
  })
  await Promise.all([node.start(), peer.start()])
  server = await startLocalApiServer({ dispatcher: node.api, port: 0 })
  ws = createWebSocketBridge({
    url: `${server.url.replace('http', 'ws')}/api/ws`,
    token: server.token,
    createSocket: (url, protocols) => new WebSocket(url, protocols),
  })
})

afterAll(async () => {
  ws?.close()
  await server?.close()
  await node?.stop()
  await peer?.stop()
  rmSync(base, { recursive: true, force: true })
})

describe.each(carriers)('the API over the %s', (_name, client) => {
  it('node.status names this node, its devnet and its addresses', async () => {
    const status = await client().call('node.status', {})
    expect(status.peerId).toBe(node.peerId)
    expect(status.network.networkId).toMatch(/^[0-9a-f]{64}$/)
    expect(status.listenAddresses.length).toBeGreaterThan(0)
    expect(status.mode).toBe('desktop')
  })

  it('hardware.snapshot reads the CPU and memory of this machine', async () => {
    const hw = await client().call('hardware.snapshot', {})
    expect(hw.cpu.cores).toBeGreaterThan(0)
    expect(hw.memory.totalBytes).toBeGreaterThan(hw.memory.availableBytes - 1)
  })

  it('refuses bad params, unknown methods and bad invites with typed errors', async () => {
    const api = client()
    await expectApiError(api.call('network.join', { invite: 42 } as never), 'BAD_REQUEST')
    await expectApiError(api.call('node.status', { extra: true } as never), 'BAD_REQUEST')
    await expectApiError(api.call('no.such.method' as never, {} as never), 'UNKNOWN_METHOD')
    const bad = await expectApiError(api.call('network.join', { invite: 'hm1zzzz' }), 'INVALID_INVITE')
    expect(bad.message.length).toBeGreaterThan(10)
  })

  it('joins a peer network by invite, pushes events, and leaves again', async () => {
    const api = client()
    const changed = new Promise((resolve) => {
      const off = api.on('network.changed', (info) => {
        off()
        resolve(info)
      })
    })
    const peerInvite = await peer.api.dispatch({ id: 1, method: 'network.invite', params: {} })
    if (!peerInvite.ok) throw new Error(peerInvite.error.message)
    const joined = await api.call('network.join', peerInvite.result as { invite: string })
    expect(joined.isOwnDevnet).toBe(false)
    expect(await changed).toEqual(joined)
    const peers = await api.call('peers.list', {})
    expect(peers.map((p) => p.peerId)).toContain(peer.peerId)
    const left = await api.call('network.leave', {})
    expect(left.isOwnDevnet).toBe(true)
    expect(await api.call('peers.list', {})).toEqual([])
  })
})

describe('carrier-specific refusals', () => {
  it('IPC: a call from a frame that is not the app is refused as UNAUTHORIZED and never reaches the node', async () => {
    const handle = createIpcCallHandler({ dispatcher: node.api, isTrustedSender: (url) => url === APP_URL })
    const response = await handle(
      { senderFrame: { url: 'https://evil.example/' } },
      { id: 7, method: 'network.leave', params: {} },
    )
    expect(response).toMatchObject({ id: 7, ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('HTTP: requests without the token, with a wrong one, or from a foreign origin are refused', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/call`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id: 1, method: 'node.status', params: {} }),
      })
    expect((await call({})).status).toBe(401)
    expect((await call({ authorization: 'Bearer wrong' })).status).toBe(401)
    expect(
      (await call({ authorization: `Bearer ${server.token}`, origin: 'https://evil.example' })).status,
    ).toBe(403)
    const ok = await call({ authorization: `Bearer ${server.token}` })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true)
  })

  it('HTTP: an oversized or non-JSON body is refused without harming the node', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/call`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}` },
        body,
      })
    expect((await post('x'.repeat(70 * 1024))).status).toBe(413)
    expect((await post('{not json')).status).toBe(400)
    expect((await post('{"id":1,"method":"node.status","params":{}}')).status).toBe(200)
  })

  it('WebSocket: an upgrade without the token, or with a wrong one, is refused', async () => {
    const attempt = (protocols: string[]) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/ws`, protocols)
        socket.addEventListener('open', () => {
          socket.close()
          resolve('open')
        })
        socket.addEventListener('error', () => resolve('refused'))
      })
    expect(await attempt(['hypermesh.v1'])).toBe('refused')
    expect(await attempt(['hypermesh.v1', 'bearer.wrong'])).toBe('refused')
    expect(await attempt(['hypermesh.v1', `bearer.${server.token}`])).toBe('open')
  })
})

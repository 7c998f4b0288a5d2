/**
 * Runs in Chromium (bundled for the browser by e2e/webrtc-browser.e2e.test.ts): a browser peer dials a
 * HyperMesh node over WebRTC Direct and pings it; and a plain libp2p browser peer (WebRTC Direct with
 * Noise only, nothing post-quantum) tries the same.
 */
import { createLibp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping, type Ping } from '@libp2p/ping'
import { webRTCDirect } from '@libp2p/webrtc'
import { multiaddr } from '@multiformats/multiaddr'
import { createBrowserPeer, type BrowserPeer } from '../../app/stoq/browser-peer'

let peer: BrowserPeer | undefined

/** Dials and pings, and stays connected until {@link stop}, so that the node can be asked about it. */
async function dialAndPing(address: string) {
  peer = await createBrowserPeer()
  const connection = await peer.dial(multiaddr(address), { signal: AbortSignal.timeout(20_000) })
  const rtts: number[] = []
  for (let i = 0; i < 5; i++) rtts.push(await peer.services.ping.ping(connection.remotePeer))
  return {
    peerId: peer.peerId.toString(),
    remotePeer: connection.remotePeer.toString(),
    remoteAddr: connection.remoteAddr.toString(),
    encryption: connection.encryption,
    multiplexer: connection.multiplexer,
    rtts,
  }
}

async function stop(): Promise<void> {
  await peer?.stop()
}

async function dialClassic(address: string) {
  const peer = await createLibp2p<{ ping: Ping }>({
    transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { ping: ping() },
  })
  try {
    await peer.services.ping.ping(multiaddr(address), { signal: AbortSignal.timeout(15_000) })
    return { peerId: peer.peerId.toString(), pinged: true, error: null }
  } catch (err) {
    return { peerId: peer.peerId.toString(), pinged: false, error: (err as Error).message }
  } finally {
    await peer.stop()
  }
}

const browserPeer = { dialAndPing, stop, dialClassic }
/** What the page offers the test (e2e/webrtc-browser.e2e.test.ts) as `globalThis.browserPeer`. */
export type BrowserPeerApi = typeof browserPeer
Object.assign(globalThis, { browserPeer })

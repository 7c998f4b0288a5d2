import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { stoq, STOQ_PROTOCOL } from '../../stoq/encrypter'
import { stoqOverWebRTCDirect } from '../../stoq/webrtc-direct'
import {
  CERTIFICATE_FILE,
  certificateProblem,
  createWebRTCCertificate,
  loadOrCreateWebRTCCertificate,
  type WebRTCCertificate,
} from './webrtc-certificate'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-webrtc-cert-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const DAY = 86_400_000
const storeRaw = (dir: string, content: string): void => writeFileSync(join(dir, CERTIFICATE_FILE), content)
const store = (dir: string, certificate: WebRTCCertificate): void =>
  storeRaw(dir, JSON.stringify(certificate))

describe('the WebRTC Direct certificate', () => {
  it('is created once, kept 0600, and the same one comes back at the next start', async () => {
    const dir = tempDir()
    const first = await loadOrCreateWebRTCCertificate(dir)
    expect(first).toMatchObject({ created: true, replaced: null })
    expect(first.certificate.certhash).toMatch(/^uEi[\w-]{44}$/)
    expect(statSync(join(dir, CERTIFICATE_FILE)).mode & 0o777).toBe(0o600)
    const again = await loadOrCreateWebRTCCertificate(dir)
    expect(again).toMatchObject({ created: false, replaced: null })
    expect(again.certificate).toEqual(first.certificate)
  })

  it('is replaced, with the reason, when the stored one is unusable', async () => {
    const now = Date.now()
    const good = await createWebRTCCertificate(now)
    const other = await createWebRTCCertificate(now)
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['garbage', (d) => storeRaw(d, '{not json'), /does not parse/],
      ['a missing field', (d) => storeRaw(d, JSON.stringify({ pem: good.pem })), /does not parse/],
      [
        'a truncated certificate',
        (d) => store(d, { ...good, pem: good.pem.slice(0, 120) }),
        /does not parse/,
      ],
      [
        'another certificate’s key',
        (d) => store(d, { ...good, privateKey: other.privateKey }),
        /does not match/,
      ],
      ['a forged certhash', (d) => store(d, { ...good, certhash: other.certhash }), /not the hash/],
    ]
    for (const [what, plant, reason] of cases) {
      const dir = tempDir()
      plant(dir)
      const loaded = await loadOrCreateWebRTCCertificate(dir, now)
      expect(loaded.replaced, what).toMatch(reason)
      expect(loaded.created).toBe(true)
      expect(certificateProblem(loaded.certificate, now), what).toBeNull()
      // What is stored now is the replacement, and it loads as it is.
      const stored = JSON.parse(readFileSync(join(dir, CERTIFICATE_FILE), 'utf8')) as WebRTCCertificate
      expect(stored).toEqual(loaded.certificate)
    }
  })

  it('is renewed at a start within 30 days of its expiry, and not before', async () => {
    const now = Date.now()
    const certificate = await createWebRTCCertificate(now)
    expect(certificateProblem(certificate, now + 300 * DAY)).toBeNull()
    expect(certificateProblem(certificate, now + 340 * DAY)).toMatch(/expires within 30 days/)
    expect(certificateProblem(certificate, now - 10 * DAY)).toMatch(/not valid yet/)
    const dir = tempDir()
    store(dir, certificate)
    const later = await loadOrCreateWebRTCCertificate(dir, now + 340 * DAY)
    expect(later.replaced).toMatch(/expires within 30 days/)
    expect(later.certificate.certhash).not.toBe(certificate.certhash)
  })

  describe('served by a node', () => {
    let server: Libp2p
    let client: Libp2p
    let certificate: WebRTCCertificate
    const node = (listen: string[], cert?: WebRTCCertificate): Promise<Libp2p> =>
      createLibp2p({
        transports: [stoqOverWebRTCDirect(cert == null ? {} : { certificate: cert })],
        connectionEncrypters: [stoq({ falcon: falcon1024.keygen() })],
        streamMuxers: [yamux()],
        addresses: { listen },
      })

    afterAll(async () => Promise.all([server?.stop(), client?.stop()]))

    it('is the certhash in the node’s address, and a dial pinned to it connects', async () => {
      certificate = (await loadOrCreateWebRTCCertificate(tempDir())).certificate
      server = await node(['/ip4/127.0.0.1/udp/0/webrtc-direct'], certificate)
      client = await node([])
      const address = server.getMultiaddrs()[0]
      expect(address?.toString()).toContain(`/webrtc-direct/certhash/${certificate.certhash}/`)
      const connection = await client.dial(address as never, { signal: AbortSignal.timeout(15_000) })
      expect(connection.encryption).toBe(STOQ_PROTOCOL)
      await connection.close()
    })

    it('a dial pinned to another certificate’s hash is refused', async () => {
      const other = await createWebRTCCertificate(Date.now())
      const forged = multiaddr(
        (server.getMultiaddrs()[0]?.toString() as string).replace(certificate.certhash, other.certhash),
      )
      // The certhash is in the Noise prologue on both sides: a certificate other than the pinned one makes
      // the node's Noise handshake fail, and it closes the channel.
      await expect(client.dial(forged, { signal: AbortSignal.timeout(10_000) })).rejects.toThrow()
      expect(client.getConnections(server.peerId)).toHaveLength(0)
    }, 20_000)
  })
})

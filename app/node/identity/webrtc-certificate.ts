/**
 * The node's WebRTC Direct DTLS certificate, kept in the data directory. A browser dials the node by an
 * address that pins this certificate's hash (`/webrtc-direct/certhash/…`); @libp2p/webrtc would make a
 * new certificate at every start without a libp2p keychain, and every address handed out before a
 * restart would stop working. So the node keeps one for a year and replaces it at a start within 30 days
 * of its expiry.
 *
 * The key only secures the DTLS layer: who the node is, is proven inside it by the libp2p identity
 * (Noise) and again by STOQ, so the file is kept 0600 but not sealed like the identity keys.
 */
import 'reflect-metadata'
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { writeFileDurably } from '../durable-file'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import { z } from 'zod'

/** The shape @libp2p/webrtc takes as `certificate`: PEM key and certificate, and the multibase certhash. */
export interface WebRTCCertificate {
  privateKey: string
  pem: string
  certhash: string
}

const DAY_MS = 86_400_000
export const CERTIFICATE_LIFETIME_DAYS = 365
export const RENEW_WITHIN_DAYS = 30
export const CERTIFICATE_FILE = 'webrtc-certificate.json'

const StoredCertificate = z.object({ privateKey: z.string(), pem: z.string(), certhash: z.string() }).strict()

/** `u` (base64url multibase) + multihash(sha2-256, DER): what a `/certhash/` component holds. */
export function certhashOf(der: Uint8Array): string {
  const digest = createHash('sha256').update(der).digest()
  return `u${Buffer.concat([Buffer.from([0x12, 0x20]), digest]).toString('base64url')}`
}

/** Why a stored certificate cannot be used, or null if it can at `now`. */
export function certificateProblem(stored: WebRTCCertificate, now: number): string | null {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(stored.pem)
    if (!certificate.checkPrivateKey(createPrivateKey(stored.privateKey)))
      return 'its private key does not match the certificate'
  } catch (err) {
    return `it does not parse (${(err as Error).message})`
  }
  if (certhashOf(certificate.raw) !== stored.certhash)
    return 'its certhash is not the hash of the certificate'
  if (Date.parse(certificate.validFrom) > now + DAY_MS) return 'it is not valid yet'
  if (Date.parse(certificate.validTo) - now < RENEW_WITHIN_DAYS * DAY_MS) return 'it expires within 30 days'
  return null
}

/** A new self-signed ECDSA P-256 certificate (what Chromium, Firefox and pion all accept). */
export async function createWebRTCCertificate(now: number): Promise<WebRTCCertificate> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const notBefore = new Date(Math.floor(now / 1000) * 1000 - DAY_MS) // a day's slack for skewed clocks
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex'),
      name: 'CN=hypermesh-webrtc-direct',
      notBefore,
      notAfter: new Date(notBefore.getTime() + CERTIFICATE_LIFETIME_DAYS * DAY_MS),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      keys,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
    },
    crypto,
  )
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey))
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pem: certificate.toString('pem'),
    certhash: certhashOf(new Uint8Array(certificate.rawData)),
  }
}

export interface LoadedCertificate {
  certificate: WebRTCCertificate
  /** Why the stored one was replaced; null when it was used, or when there was none. */
  replaced: string | null
  created: boolean
}

/** The stored certificate if it is sound and not near expiry; otherwise a new one, stored. */
export async function loadOrCreateWebRTCCertificate(
  dataDir: string,
  now: number = Date.now(),
): Promise<LoadedCertificate> {
  const path = join(dataDir, CERTIFICATE_FILE)
  let replaced: string | null = null
  if (existsSync(path)) {
    try {
      const stored = StoredCertificate.parse(JSON.parse(readFileSync(path, 'utf8')))
      replaced = certificateProblem(stored, now)
      if (replaced == null) return { certificate: stored, replaced: null, created: false }
    } catch (err) {
      replaced = `the file does not parse (${(err as Error).message.split('\n')[0]})`
    }
  }
  const certificate = await createWebRTCCertificate(now)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  writeFileDurably(path, JSON.stringify(certificate, null, 2) + '\n')
  return { certificate, replaced, created: true }
}

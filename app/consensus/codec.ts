/**
 * Canonical bytes for everything the ledger hashes or signs. Objects are written as RFC 8785 canonical
 * JSON, so two nodes that hold the same value always hash the same bytes; bigints travel as decimal strings
 * and byte strings as base64, both checked on the way back in: each value has exactly one accepted spelling.
 */
import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'

export type Hash = string // 64 lowercase hex characters (SHA-256)

/** Canonical JSON bytes of a JSON value (no bigints, no undefined, no typed arrays). */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value)
  if (text == null) throw new Error('value cannot be canonicalized')
  return new TextEncoder().encode(text)
}

/** SHA-256 of a domain tag and canonical JSON: the tag keeps a vote's bytes from ever passing as a tx's. */
export function hashOf(domain: string, value: unknown): Hash {
  return createHash('sha256').update(domain).update('\0').update(canonicalBytes(value)).digest('hex')
}

export function sha256Hex(...parts: (Uint8Array | string)[]): Hash {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return h.digest('hex')
}

/** The bytes a signature covers: a domain tag, then the canonical JSON of the signed fields. */
export function signingBytes(domain: string, value: unknown): Uint8Array {
  const tag = new TextEncoder().encode(`${domain}\0`)
  const body = canonicalBytes(value)
  const out = new Uint8Array(tag.length + body.length)
  out.set(tag)
  out.set(body, tag.length)
  return out
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * Whether `text` is the one base64 spelling of its bytes (RFC 4648 §3.5): the standard alphabet, padded
 * to a multiple of four, and the unused bits of the last character zero. Without that last rule "AB==" and
 * "AA==" both decode to one zero byte, so one signature would have up to 16 spellings, each hashing to a
 * different id (issue 17: one equivocation was slashed 64 times).
 */
export function isCanonicalBase64(text: string): boolean {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return false
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  if (padding === 0) return true
  const last = BASE64_ALPHABET.indexOf(text[text.length - padding - 1] as string)
  // One padding character leaves 2 unused bits in the last character; two leave 4.
  return last % (padding === 1 ? 4 : 16) === 0
}

/** Decodes canonical base64 only (see isCanonicalBase64); anything else throws. */
export function fromBase64(text: string): Uint8Array {
  if (!isCanonicalBase64(text)) throw new Error('not canonical base64')
  return new Uint8Array(Buffer.from(text, 'base64'))
}

export const hexToBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
export const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

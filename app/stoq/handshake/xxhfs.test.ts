import { describe, it, expect, beforeAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import type { Ed25519PrivateKey, PrivateKey } from '@libp2p/interface'
import {
  DH_LEN,
  FALCON_PUBLIC_KEY_LEN,
  generateX25519,
  HandshakeError,
  InitiatorHandshake,
  KEM_CIPHERTEXT_LEN,
  KEM_PUBLIC_KEY_LEN,
  MAX_FALCON_SIGNATURE,
  MESSAGE1_LEN,
  ResponderHandshake,
  STOQ_NOISE_PROTOCOL,
  x25519FromSecret,
  type LocalKeys,
} from './xxhfs'
import { TAGLEN } from './symmetric-state'
import { nobleCrypto } from '../crypto/noble'
import { nodeCrypto } from '../crypto/node'
import { inlineFalconSigner, type FalconKeyPair } from './falcon-signer'

const PROLOGUE = new TextEncoder().encode(`/stoq/1.0.0 ${STOQ_NOISE_PROTOCOL}`)
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

// Message 2 is e ‖ enc(KEM ciphertext) ‖ enc(s) ‖ enc(payload); message 3 is enc(s) ‖ enc(payload).
const M2_KEM_AT = DH_LEN
const M2_S_AT = M2_KEM_AT + KEM_CIPHERTEXT_LEN + TAGLEN
const M2_PAYLOAD_AT = M2_S_AT + DH_LEN + TAGLEN
const M2_MIN = M2_PAYLOAD_AT + TAGLEN
const M3_PAYLOAD_AT = DH_LEN + TAGLEN

let falconA: FalconKeyPair
let falconB: FalconKeyPair
let identityA: Ed25519PrivateKey
let identityB: Ed25519PrivateKey
let identityM: Ed25519PrivateKey
let alice: LocalKeys
let bob: LocalKeys

// FALCON-1024 keygen costs about half a second: two key pairs for the whole file.
beforeAll(async () => {
  falconA = falcon1024.keygen()
  falconB = falcon1024.keygen()
  ;[identityA, identityB, identityM] = await Promise.all([
    generateKeyPair('Ed25519'),
    generateKeyPair('Ed25519'),
    generateKeyPair('Ed25519'),
  ])
  alice = {
    identity: identityA,
    staticKey: generateX25519(),
    falcon: inlineFalconSigner(falconA),
    streamMuxers: ['/yamux/1.0.0'],
  }
  bob = {
    identity: identityB,
    staticKey: generateX25519(),
    falcon: inlineFalconSigner(falconB),
    streamMuxers: [],
  }
})

interface RunOptions {
  initiator?: LocalKeys
  responder?: LocalKeys
  initiatorPrologue?: Uint8Array
  /** Identities each side expects of the other (the peer id it dialed). */
  expectResponder?: PrivateKey
  expectInitiator?: PrivateKey
}

interface Run {
  initiator: InitiatorHandshake
  responder: ResponderHandshake
  m1: Uint8Array
  m2: Uint8Array
}

/** Messages 1 and 2 between an initiator and a responder; message 2 not yet read. */
async function upToMessage2(options: RunOptions = {}): Promise<Run> {
  const initiator = new InitiatorHandshake(
    options.initiator ?? alice,
    options.initiatorPrologue ?? PROLOGUE,
    options.expectResponder?.publicKey,
  )
  const responder = new ResponderHandshake(
    options.responder ?? bob,
    PROLOGUE,
    options.expectInitiator?.publicKey,
  )
  const m1 = initiator.writeMessage1()
  responder.readMessage1(m1)
  return { initiator, responder, m1, m2: await responder.writeMessage2() }
}

/** Messages 1 to 3; with `deliver`, the rest of the handshake too (message 3 read, message 4 both ways). */
async function upToMessage3(
  options: RunOptions & { deliver?: boolean } = {},
): Promise<Run & { m3: Uint8Array }> {
  const run = await upToMessage2(options)
  await run.initiator.readMessage2(run.m2)
  const m3 = await run.initiator.writeMessage3()
  if (options.deliver === true) {
    await run.responder.readMessage3(m3)
    await run.initiator.readMessage4(await run.responder.writeMessage4())
  }
  return { ...run, m3 }
}

/** Messages 1 to 4, the responder done; message 4 not yet read by the initiator. */
async function upToMessage4(options: RunOptions = {}): Promise<Run & { m3: Uint8Array; m4: Uint8Array }> {
  const run = await upToMessage3(options)
  await run.responder.readMessage3(run.m3)
  return { ...run, m4: await run.responder.writeMessage4() }
}

const flipBit = (message: Uint8Array, index: number, bit = 0): Uint8Array => {
  const copy = new Uint8Array(message)
  copy[index] = (copy[index] as number) ^ (1 << bit)
  return copy
}

describe('XXhfs handshake: the frame cipher', () => {
  it("both ends take the initiator's first choice that the responder offers", async () => {
    for (const [initiatorOffers, responderOffers, chosen] of [
      [undefined, undefined, nodeCrypto.frameCiphers[0]],
      [['chacha20-poly1305', 'aes-256-gcm'], ['aes-256-gcm', 'chacha20-poly1305'], 'chacha20-poly1305'],
      [['aes-256-gcm', 'chacha20-poly1305'], ['chacha20-poly1305'], 'chacha20-poly1305'],
    ] as const) {
      const { initiator, responder } = await upToMessage3({
        deliver: true,
        initiator: { ...alice, frameCiphers: initiatorOffers },
        responder: { ...bob, frameCiphers: responderOffers },
      })
      expect(initiator.result().frameCipher).toBe(chosen)
      expect(responder.result().frameCipher).toBe(chosen)
    }
  })

  it('ends the handshake at message 2 when the peers share no frame cipher, naming what each offered', async () => {
    const run = await upToMessage2({
      initiator: { ...alice, frameCiphers: ['aes-256-gcm'] },
      responder: { ...bob, frameCiphers: ['chacha20-poly1305'] },
    })
    await expect(run.initiator.readMessage2(run.m2)).rejects.toThrow(
      /no frame cipher in common: the initiator offers aes-256-gcm, the responder chacha20-poly1305/,
    )
    expect(() => run.initiator.result()).toThrow(HandshakeError)
  })
})

describe('XXhfs handshake: a full run', () => {
  it('gives both sides matching transport keys and the same handshake hash', async () => {
    const { initiator, responder } = await upToMessage3({ deliver: true })
    const i = initiator.result()
    const r = responder.result()
    expect(hex(i.sendKey)).toBe(hex(r.receiveKey))
    expect(hex(i.receiveKey)).toBe(hex(r.sendKey))
    expect(hex(i.handshakeHash)).toBe(hex(r.handshakeHash))
    expect(i.sendKey).toHaveLength(32)
    expect(hex(i.sendKey)).not.toBe(hex(i.receiveKey))
  })

  it("lets each side learn the other's identity key, FALCON key and stream muxers", async () => {
    const { initiator, responder } = await upToMessage3({ deliver: true })
    const atInitiator = initiator.result().remote
    const atResponder = responder.result().remote
    expect(atInitiator.identityKey.equals(identityB.publicKey)).toBe(true)
    expect(atResponder.identityKey.equals(identityA.publicKey)).toBe(true)
    expect(hex(atInitiator.falconPublicKey)).toBe(hex(falconB.publicKey))
    expect(hex(atResponder.falconPublicKey)).toBe(hex(falconA.publicKey))
    expect(atInitiator.falconPublicKey).toHaveLength(FALCON_PUBLIC_KEY_LEN)
    expect(atInitiator.streamMuxers).toEqual([])
    expect(atResponder.streamMuxers).toEqual(['/yamux/1.0.0'])
  })

  it('gives fresh keys to every session between the same two peers', async () => {
    const first = await upToMessage3({ deliver: true })
    const second = await upToMessage3({ deliver: true })
    expect(hex(first.initiator.result().sendKey)).not.toBe(hex(second.initiator.result().sendKey))
    expect(hex(first.initiator.result().handshakeHash)).not.toBe(hex(second.initiator.result().handshakeHash))
  })

  it('writes a message 1 of exactly e ‖ e1 (MESSAGE1_LEN bytes)', () => {
    const m1 = new InitiatorHandshake(alice, PROLOGUE).writeMessage1()
    expect(m1).toHaveLength(MESSAGE1_LEN)
    expect(MESSAGE1_LEN).toBe(DH_LEN + KEM_PUBLIC_KEY_LEN)
  })

  it.each(['secp256k1', 'ECDSA', 'RSA'] as const)('completes with a %s libp2p identity', async (type) => {
    const identity = await generateKeyPair(type)
    const { responder } = await upToMessage3({ initiator: { ...alice, identity }, deliver: true })
    expect(responder.result().remote.identityKey.equals(identity.publicKey)).toBe(true)
  })
})

describe('XXhfs handshake: tampering, truncation and replay', () => {
  it.each([
    ['another protocol version', `/stoq/0.9.0 ${STOQ_NOISE_PROTOCOL}`],
    ['classical Noise', '/noise Noise_XX_25519_ChaChaPoly_SHA256'],
    ['an empty prologue', ''],
  ])('an initiator whose prologue names %s refuses message 2 (downgrade)', async (_what, prologue) => {
    const { initiator, m2 } = await upToMessage2({ initiatorPrologue: new TextEncoder().encode(prologue) })
    await expect(initiator.readMessage2(m2)).rejects.toThrow(/decryption failed/)
    expect(() => initiator.result()).toThrow(/not complete/)
  })

  it.each([
    ['e', DH_LEN >> 1, 0],
    ['e, in the bit X25519 ignores (still hashed into the transcript)', DH_LEN - 1, 7],
    ['the encrypted KEM ciphertext', M2_KEM_AT + 700, 0],
    ['the tag of the KEM ciphertext', M2_S_AT - 1, 0],
    ['the encrypted static key', M2_S_AT + 10, 0],
    ['the encrypted payload', M2_PAYLOAD_AT + 100, 0],
    ['the tag of the payload', -1, 0],
  ])('refuses message 2 with one bit flipped in %s, and derives no key', async (_region, at, bit) => {
    const { initiator, m2 } = await upToMessage2()
    const index = at < 0 ? m2.length + at : at
    await expect(initiator.readMessage2(flipBit(m2, index, bit))).rejects.toThrow()
    expect(() => initiator.result()).toThrow(/not complete/)
  })

  it('accepts the untampered message 2 (the control for the bit flips)', async () => {
    const { initiator, m2 } = await upToMessage2()
    await expect(initiator.readMessage2(m2)).resolves.toBeUndefined()
    await expect(initiator.writeMessage3()).resolves.toBeInstanceOf(Uint8Array)
  })

  it.each([0, 1, DH_LEN - 1, DH_LEN, M2_S_AT, M2_MIN - 1, M2_MIN, -1])(
    'refuses message 2 truncated to %i bytes (negative: from the end)',
    async (length) => {
      const { initiator, m2 } = await upToMessage2()
      const cut = m2.subarray(0, length < 0 ? m2.length + length : length)
      await expect(initiator.readMessage2(cut)).rejects.toThrow(/truncated|decryption failed/)
      expect(() => initiator.result()).toThrow(/not complete/)
    },
  )

  it.each([
    ['the encrypted static key', 5],
    ['the tag of the static key', M3_PAYLOAD_AT - 1],
    ['the encrypted payload', M3_PAYLOAD_AT + 200],
    ['the tag of the payload', -1],
  ])('the responder refuses message 3 with one bit flipped in %s', async (_region, at) => {
    const { responder, m3 } = await upToMessage3()
    await expect(responder.readMessage3(flipBit(m3, at < 0 ? m3.length + at : at))).rejects.toThrow()
    expect(() => responder.result()).toThrow(/not complete/)
  })

  it.each([
    0,
    DH_LEN,
    M3_PAYLOAD_AT - 1,
    M3_PAYLOAD_AT,
    M3_PAYLOAD_AT + TAGLEN - 1,
    M3_PAYLOAD_AT + TAGLEN,
    -1,
  ])('the responder refuses message 3 truncated to %i bytes (negative: from the end)', async (length) => {
    const { responder, m3 } = await upToMessage3()
    const cut = m3.subarray(0, length < 0 ? m3.length + length : length)
    await expect(responder.readMessage3(cut)).rejects.toThrow(/truncated|decryption failed/)
    expect(() => responder.result()).toThrow(/not complete/)
  })

  it.each([
    ['the encrypted signature', 100],
    ['the tag', -1],
  ])('the initiator refuses message 4 with one bit flipped in %s, and derives no key', async (_r, at) => {
    const { initiator, m4 } = await upToMessage4()
    await expect(initiator.readMessage4(flipBit(m4, at < 0 ? m4.length + at : at))).rejects.toThrow(
      /decryption failed/,
    )
    expect(() => initiator.result()).toThrow(/not complete/)
  })

  it.each([0, TAGLEN, TAGLEN + 1, -1])(
    'the initiator refuses message 4 truncated to %i bytes (negative: from the end)',
    async (length) => {
      const { initiator, m4 } = await upToMessage4()
      const cut = m4.subarray(0, length < 0 ? m4.length + length : length)
      await expect(initiator.readMessage4(cut)).rejects.toThrow(/truncated|decryption failed|FALCON/)
      expect(() => initiator.result()).toThrow(/not complete/)
    },
  )

  it('the initiator refuses a message 4 longer than any FALCON-1024 signature, before decrypting it', async () => {
    const { initiator } = await upToMessage4()
    const oversized = new Uint8Array(TAGLEN + MAX_FALCON_SIGNATURE + 1)
    await expect(initiator.readMessage4(oversized)).rejects.toThrow(/message 4 is too long/)
    expect(() => initiator.result()).toThrow(/not complete/)
  })

  it("refuses session A's message 4 replayed to session B", async () => {
    const sessionA = await upToMessage4()
    const sessionB = await upToMessage4()
    await expect(sessionB.initiator.readMessage4(sessionA.m4)).rejects.toThrow(/decryption failed/)
    await sessionA.initiator.readMessage4(sessionA.m4)
    expect(sessionA.initiator.result().remote.identityKey.equals(identityB.publicKey)).toBe(true)
  })

  it('refuses a message 1 of the wrong length', () => {
    const m1 = new InitiatorHandshake(alice, PROLOGUE).writeMessage1()
    expect(() => new ResponderHandshake(bob, PROLOGUE).readMessage1(m1.subarray(1))).toThrow(/truncated/)
    const longer = Buffer.concat([m1, Uint8Array.of(0)])
    expect(() => new ResponderHandshake(bob, PROLOGUE).readMessage1(longer)).toThrow(/too long/)
  })

  it("refuses session A's message 2 replayed to a new initiator", async () => {
    const sessionA = await upToMessage2()
    const initiatorB = new InitiatorHandshake(alice, PROLOGUE)
    initiatorB.writeMessage1()
    await expect(initiatorB.readMessage2(sessionA.m2)).rejects.toThrow(/decryption failed/)
    expect(() => initiatorB.result()).toThrow(/not complete/)
  })

  it("refuses session A's messages 1 and 3 replayed to a new responder", async () => {
    const sessionA = await upToMessage3({ deliver: true })
    const responder = new ResponderHandshake(bob, PROLOGUE)
    responder.readMessage1(sessionA.m1)
    await responder.writeMessage2()
    await expect(responder.readMessage3(sessionA.m3)).rejects.toThrow(/decryption failed/)
    expect(() => responder.result()).toThrow(/not complete/)
  })
})

describe('XXhfs handshake: message order', () => {
  it('gives no keys before the handshake has finished, on either side', async () => {
    const run = await upToMessage2()
    expect(() => run.responder.result()).toThrow(HandshakeError)
    await run.initiator.readMessage2(run.m2)
    // The initiator has read message 2, but the responder has not yet checked message 3.
    expect(() => run.initiator.result()).toThrow(/not complete/)
    const m3 = await run.initiator.writeMessage3()
    expect(() => run.initiator.result()).toThrow(/not complete/)
    expect(() => run.responder.result()).toThrow(/not complete/)
    await run.responder.readMessage3(m3)
    // The responder has checked message 3 but not yet signed (message 4); the initiator has no
    // FALCON proof of the responder yet.
    expect(() => run.responder.result()).toThrow(/not complete/)
    expect(() => run.initiator.result()).toThrow(/not complete/)
    const m4 = await run.responder.writeMessage4()
    expect(() => run.initiator.result()).toThrow(/not complete/)
    await run.initiator.readMessage4(m4)
    expect(hex(run.initiator.result().sendKey)).toBe(hex(run.responder.result().receiveKey))
  })

  it('writes and reads message 4 once, and only after message 3', async () => {
    const run = await upToMessage2()
    await expect(run.responder.writeMessage4()).rejects.toThrow(/after message 3/)
    await run.initiator.readMessage2(run.m2)
    await expect(run.initiator.readMessage4(new Uint8Array(100))).rejects.toThrow(/after message 3/)
    await run.responder.readMessage3(await run.initiator.writeMessage3())
    const m4 = await run.responder.writeMessage4()
    await expect(run.responder.writeMessage4()).rejects.toThrow(/only once/)
    await run.initiator.readMessage4(m4)
    await expect(run.initiator.readMessage4(m4)).rejects.toThrow(/only once/)
  })

  it('does not sign message 3 after message 2 was refused for want of a common frame cipher', async () => {
    const refused = await upToMessage2({
      initiator: { ...alice, frameCiphers: ['aes-256-gcm'] },
      responder: { ...bob, frameCiphers: ['chacha20-poly1305'] },
    })
    await expect(refused.initiator.readMessage2(refused.m2)).rejects.toThrow(/no frame cipher in common/)
    await expect(refused.initiator.writeMessage3()).rejects.toThrow(/message 2 was accepted/)
  })

  it('refuses to write message 3 when message 2 was refused', async () => {
    const run = await upToMessage2()
    await expect(run.initiator.readMessage2(flipBit(run.m2, M2_PAYLOAD_AT + 1))).rejects.toThrow()
    await expect(run.initiator.writeMessage3()).rejects.toThrow(/message 2 was accepted/)
  })
})

describe('XXhfs handshake: identities', () => {
  it("refuses a responder whose FALCON public key is not the one that signed (X's key, Y's secret)", async () => {
    const forged: LocalKeys = {
      ...bob,
      falcon: inlineFalconSigner({ publicKey: falconB.publicKey, secretKey: falconA.secretKey }),
    }
    const { initiator, m4 } = await upToMessage4({ responder: forged })
    await expect(initiator.readMessage4(m4)).rejects.toThrow(/FALCON/)
    expect(() => initiator.result()).toThrow(/not complete/)
  })

  it("refuses an initiator whose FALCON public key is not the one that signed (X's key, Y's secret)", async () => {
    const forged: LocalKeys = {
      ...alice,
      falcon: inlineFalconSigner({ publicKey: falconA.publicKey, secretKey: falconB.secretKey }),
    }
    const { responder, m3 } = await upToMessage3({ initiator: forged })
    await expect(responder.readMessage3(m3)).rejects.toThrow(/FALCON/)
  })

  it('the initiator refuses a responder that is not the peer it dialed', async () => {
    const { initiator, m2 } = await upToMessage2({ expectResponder: identityM })
    await expect(initiator.readMessage2(m2)).rejects.toThrow(/not the one we dialed/)
  })

  it('the responder refuses an initiator that is not the peer it expected', async () => {
    const { responder, m3 } = await upToMessage3({ expectInitiator: identityM })
    await expect(responder.readMessage3(m3)).rejects.toThrow(/not the one we dialed/)
  })

  it('accepts the expected peer on both sides (the control for the identity checks)', async () => {
    const { initiator, responder } = await upToMessage3({
      expectResponder: identityB,
      expectInitiator: identityA,
      deliver: true,
    })
    expect(initiator.result().remote.identityKey.equals(identityB.publicKey)).toBe(true)
    expect(responder.result().remote.identityKey.equals(identityA.publicKey)).toBe(true)
  })

  it('refuses a payload whose identity signature covers a different static key (key substitution)', async () => {
    // Mallory runs the handshake with her own static key but presents Bob's identity, whose signature
    // was made over another static key (Bob's own): the identity really is Bob's, the binding is not.
    const bobsStatic = generateX25519()
    const substituted: Ed25519PrivateKey = {
      type: identityB.type,
      publicKey: identityB.publicKey,
      raw: identityB.raw,
      equals: (key?: unknown) => identityB.equals(key),
      sign: (data) => {
        const signed = data.subarray()
        return identityB.sign(
          Buffer.concat([signed.subarray(0, signed.length - DH_LEN), bobsStatic.publicKey]),
        )
      },
    }
    const mallory: LocalKeys = { ...bob, identity: substituted, staticKey: generateX25519() }
    const { initiator, m2 } = await upToMessage2({ responder: mallory })
    await expect(initiator.readMessage2(m2)).rejects.toThrow(/identity signature/)

    // The control: the same wrapper signing the static key actually used is accepted.
    const honest: LocalKeys = { ...mallory, staticKey: bobsStatic }
    const control = await upToMessage3({ responder: honest, deliver: true })
    expect(control.initiator.result().remote.identityKey.equals(identityB.publicKey)).toBe(true)
  })
})

describe('XXhfs handshake: the responder signs only for a caller that proved its own FALCON key', () => {
  /** Bob's keys, counting what his FALCON key signs. */
  function countingBob(): { keys: LocalKeys; signed: () => number } {
    const inner = inlineFalconSigner(falconB)
    let signed = 0
    const falcon = { ...inner, sign: (m: Uint8Array) => (signed++, inner.sign(m)) }
    return { keys: { ...bob, falcon }, signed: () => signed }
  }

  it('answers a replayed message 1 without signing, any number of times', async () => {
    const bobCounting = countingBob()
    const m1 = new InitiatorHandshake(alice, PROLOGUE).writeMessage1()
    for (let i = 0; i < 3; i++) {
      const responder = new ResponderHandshake(bobCounting.keys, PROLOGUE)
      responder.readMessage1(m1)
      await responder.writeMessage2()
    }
    expect(bobCounting.signed()).toBe(0)
  })

  it('does not sign when message 3 is refused, and signs once when it is accepted', async () => {
    const bobCounting = countingBob()
    const refused = await upToMessage3({ responder: bobCounting.keys })
    await expect(refused.responder.readMessage3(flipBit(refused.m3, M3_PAYLOAD_AT + 9))).rejects.toThrow()
    await expect(refused.responder.writeMessage4()).rejects.toThrow(/after message 3/)
    expect(bobCounting.signed()).toBe(0)
    await upToMessage3({ responder: bobCounting.keys, deliver: true })
    expect(bobCounting.signed()).toBe(1)
  })
})

describe('X25519 keys', () => {
  // RFC 7748 §6.1 test vector.
  const alicePrivate = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'
  const alicePublic = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'

  it.each([nodeCrypto, nobleCrypto])('x25519FromSecret derives the RFC 7748 public key ($name)', (crypto) => {
    expect(hex(x25519FromSecret(Buffer.from(alicePrivate, 'hex'), crypto).publicKey)).toBe(alicePublic)
  })

  it('x25519FromSecret round-trips a generated key pair through its secret', () => {
    const generated = generateX25519()
    const restored = x25519FromSecret(generated.secretKey)
    expect(restored.publicKey).toHaveLength(DH_LEN)
    expect(hex(restored.publicKey)).toBe(hex(generated.publicKey))
  })
})

describe('XXhfs handshake between implementations (a node and a browser)', () => {
  it.each([
    ['@noble initiator, node:crypto responder', nobleCrypto, nodeCrypto],
    ['node:crypto initiator, @noble responder', nodeCrypto, nobleCrypto],
  ])('%s: both sides get the same keys', async (_what, initiatorCrypto, responderCrypto) => {
    const { initiator, responder } = await upToMessage3({
      initiator: { ...alice, crypto: initiatorCrypto, staticKey: generateX25519(initiatorCrypto) },
      responder: { ...bob, crypto: responderCrypto, staticKey: generateX25519(responderCrypto) },
      deliver: true,
    })
    const i = initiator.result()
    const r = responder.result()
    expect(hex(i.sendKey)).toBe(hex(r.receiveKey))
    expect(hex(i.receiveKey)).toBe(hex(r.sendKey))
    expect(r.remote.identityKey.equals(identityA.publicKey)).toBe(true)
  })

  it('a tampered message fails the same way with @noble', async () => {
    const run = await upToMessage2({ initiator: { ...alice, crypto: nobleCrypto } })
    await expect(run.initiator.readMessage2(flipBit(run.m2, M2_S_AT + 3))).rejects.toThrow(/altered/)
  })
})

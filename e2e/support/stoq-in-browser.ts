/**
 * Runs in Chromium (bundled for the browser by e2e/stoq-browser.e2e.test.ts): a whole STOQ handshake and
 * frames between two peers in the page, with whatever primitives a browser build picks by default.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { falcon1024 } from '@noble/post-quantum/falcon.js'
import { Uint8ArrayList } from 'uint8arraylist'
import { defaultCrypto } from '../../app/stoq/crypto/default'
import {
  generateX25519,
  InitiatorHandshake,
  ResponderHandshake,
  STOQ_NOISE_PROTOCOL,
  type LocalKeys,
} from '../../app/stoq/handshake/xxhfs'
import { FrameCipher } from '../../app/stoq/secure-stream'
import { inlineFalconSigner } from '../../app/stoq/handshake/falcon-signer'

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

async function keys(): Promise<LocalKeys> {
  return {
    identity: await generateKeyPair('Ed25519'),
    staticKey: generateX25519(defaultCrypto),
    falcon: inlineFalconSigner(falcon1024.keygen()),
    streamMuxers: ['/yamux/1.0.0'],
    crypto: defaultCrypto,
  }
}

async function stoqSelfTest() {
  const prologue = new TextEncoder().encode(`/stoq/1.0.0 ${STOQ_NOISE_PROTOCOL}`)
  const [alice, bob, mallory] = await Promise.all([keys(), keys(), keys()])
  const initiator = new InitiatorHandshake(alice, prologue, bob.identity.publicKey)
  const responder = new ResponderHandshake(bob, prologue)
  responder.readMessage1(initiator.writeMessage1())
  await initiator.readMessage2(await responder.writeMessage2())
  await responder.readMessage3(await initiator.writeMessage3())
  await initiator.readMessage4(await responder.writeMessage4())
  const i = initiator.result()
  const r = responder.result()

  const data = Uint8Array.from({ length: 100_000 }, (_, n) => n % 251)
  const framed = new Uint8ArrayList()
  new FrameCipher(i.sendKey, defaultCrypto, i.frameCipher).seal(data, framed)
  const frame = framed.sublist(4)
  const opened = new FrameCipher(r.receiveKey, defaultCrypto, r.frameCipher).open(frame)
  const tampered = frame.subarray()
  tampered[100] = (tampered[100] as number) ^ 1
  let tamperRefused = false
  try {
    new FrameCipher(r.receiveKey, defaultCrypto, r.frameCipher).open(new Uint8ArrayList(tampered))
  } catch (err) {
    tamperRefused = (err as Error).name === 'FrameError'
  }

  // Mallory answers a dial meant for Bob: the initiator refuses her.
  const dialer = new InitiatorHandshake(alice, prologue, bob.identity.publicKey)
  const impostor = new ResponderHandshake(mallory, prologue)
  impostor.readMessage1(dialer.writeMessage1())
  let impostorRefused = false
  try {
    await dialer.readMessage2(await impostor.writeMessage2())
  } catch (err) {
    impostorRefused = /not the one we dialed/.test((err as Error).message)
  }

  return {
    crypto: defaultCrypto.name,
    frameCipher: i.frameCipher === r.frameCipher ? i.frameCipher : 'the ends disagree',
    keysMatch: hex(i.sendKey) === hex(r.receiveKey) && hex(i.receiveKey) === hex(r.sendKey),
    identityLearned: r.remote.identityKey.equals(alice.identity.publicKey),
    framesIntact: hex(opened.subarray()) === hex(data),
    tamperRefused,
    impostorRefused,
  }
}

;(globalThis as { stoqSelfTest?: typeof stoqSelfTest }).stoqSelfTest = stoqSelfTest

/** A peer for tests of what peers sign: an Ed25519 peer id and a FALCON-1024 key pair (`key` in base64). */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { falcon1024Scheme, toBase64 } from '../../app/consensus'

export interface FalconPeer {
  peerId: string
  keys: { publicKey: Uint8Array; secretKey: Uint8Array }
  key: string
}

export async function falconPeer(): Promise<FalconPeer> {
  const keys = falcon1024Scheme.keygen()
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  return { peerId, keys, key: toBase64(keys.publicKey) }
}

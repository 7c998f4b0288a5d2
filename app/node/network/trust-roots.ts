/**
 * The roots of a network: the keys it trusts to admit members (./credential.ts). They are the genesis
 * creator's and the genesis validators' FALCON keys, which the network id fixes, and the active validators
 * on the ledger as this node's chain knows them (staked, so trusted with the chain itself).
 */
import type { GenesisDocument } from '../../consensus'
import type { TrustRoots } from './credential'

/** A validator as the ledger records it: its peer id and FALCON key (base64). */
export interface RootKey {
  peerId: string
  publicKey: string
}

export function trustRoots(genesis: GenesisDocument, ledgerValidators: Iterable<RootKey> = []): TrustRoots {
  const roots = new Map<string, string[]>()
  const add = ({ peerId, publicKey }: RootKey): void => {
    const keys = roots.get(peerId) ?? []
    if (!keys.includes(publicKey)) roots.set(peerId, [...keys, publicKey])
  }
  add({ peerId: genesis.creator.peerId, publicKey: genesis.creator.falconPublicKey })
  for (const validator of genesis.consensus?.validators ?? []) add(validator)
  for (const validator of ledgerValidators) add(validator)
  return { keysOf: (peerId) => roots.get(peerId) ?? [] }
}

/**
 * The body of an `asset-register` transaction: the asset's record, and a ConsensusProof over it whose
 * PoSpace answers come from the owner's plot (with the owner's signed network location), anchored to a
 * recent block. The ledger checks all four proofs before it records the asset (execute.ts).
 */
import { hashOf, toBase64, type Hash } from './codec'
import type { ChainParams } from './params'
import { proveConsensus, type NetworkLocation, type ProofSigner } from './proofs/consensus-proof'
import type { Plot } from './proofs/space'
import type { TxBody } from './tx'

export type AssetRegistration = Extract<TxBody, { kind: 'asset-register' }>

export const ASSET_RECORD_DOMAIN = 'hypermesh/asset-record/v1'

export function assetRegistrationBody(init: {
  chainId: string
  nonce: number
  fee: string
  assetId: string
  resource: AssetRegistration['resource']
  capacity: string
  privacy: AssetRegistration['privacy']
  /** A recent block hash: the proof is fresh, and cannot be made ahead of time. */
  anchor: Hash
  plot: Plot
  signer: ProofSigner
  location: NetworkLocation
  params: ChainParams['proofs']
}): AssetRegistration {
  const record = {
    kind: 'asset-register' as const,
    chainId: init.chainId,
    from: init.signer.address,
    publicKey: toBase64(init.signer.publicKey),
    nonce: init.nonce,
    fee: init.fee,
    assetId: init.assetId,
    resource: init.resource,
    capacity: init.capacity,
    privacy: init.privacy,
    space: init.plot.commitment,
    anchor: init.anchor,
  }
  const proof = proveConsensus({
    anchor: init.anchor,
    subject: hashOf(ASSET_RECORD_DOMAIN, record),
    plot: init.plot,
    signer: init.signer,
    location: init.location,
    params: init.params,
  })
  return { ...record, proof }
}

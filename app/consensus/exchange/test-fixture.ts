/**
 * The exchange's tests: accounts with real FALCON-1024 keys, a registered asset per seller, and any
 * transaction signed and applied the way a block applies it.
 */
import { expect } from 'vitest'
import { rejectionCode } from '../../../test/support/ledger-fixture'
import { toBase64 } from '../codec'
import type { RejectionCode } from '../errors'
import { applyTx, beginBlock } from '../execute'
import { CHAIN, jobCtx, PARAMS, PEERS, PROPOSER, type Keys } from '../jobs/test-fixture'
import { falcon1024Scheme } from '../signature-scheme'
import { EMPTY_ACCOUNT, LedgerState } from '../state'
import { signTx, type SignedTx, type TxBody, type TxKindBody } from '../tx'
import type { Market } from './markets'

export { CHAIN, keysOf, PEERS, T0, type Keys } from '../jobs/test-fixture'

export type KindBody = TxKindBody

export const FEE = 10n

export function signedTx(state: LedgerState, from: Keys, body: KindBody): SignedTx {
  return signTx(
    {
      chainId: CHAIN,
      from: from.address,
      publicKey: toBase64(from.publicKey),
      nonce: state.account(from.address)?.nonce ?? 0,
      fee: FEE.toString(),
      ...body,
    } as TxBody,
    falcon1024Scheme,
    from.secretKey,
  )
}

/** An asset id per seller and market, registered in the state by `registerAsset`. */
export const assetIdOf = (seller: Keys, market: Market): string =>
  `${market.length.toString(16)}${seller.address}`.padEnd(64, '0').slice(0, 64)

export function registerAsset(state: LedgerState, seller: Keys, market: Market, peerId = PEERS[0]!): string {
  const assetId = assetIdOf(seller, market)
  state.assets.set(assetId, {
    assetId,
    owner: seller.address,
    resource: market,
    capacity: 10n ** 12n,
    privacy: 'FullPublic',
    peerId,
    registeredAt: 1,
  })
  return assetId
}

/** A ledger to apply transactions to, one at a time, checking what every transaction must keep. */
export class TestLedger {
  state: LedgerState

  constructor(accounts: Keys[], balance = 1_000_000n, timeMs = Date.UTC(2026, 11, 1)) {
    this.state = new LedgerState(3)
    this.state.timeMs = timeMs
    for (const k of accounts) this.state.accounts.set(k.address, { ...EMPTY_ACCOUNT, balance })
  }

  /** Applies to a copy: a refusal leaves the state's root as it was; any outcome keeps the supply. */
  apply(from: Keys, body: KindBody): RejectionCode | null {
    return this.applySigned(signedTx(this.state, from, body))
  }

  applySigned(tx: SignedTx): RejectionCode | null {
    const before = { root: this.state.root(), supply: this.state.supply() }
    const working = this.state.copy()
    const code = rejectionCode(() => applyTx(working, tx, jobCtx, PROPOSER))
    if (code == null) this.state = working
    else expect(working.root()).toBe(before.root)
    expect(this.state.supply()).toBe(before.supply)
    return code
  }

  at(timeMs: number): void {
    this.state = beginBlock(this.state, this.state.height + 1, timeMs, PARAMS)
  }

  balance(k: Keys): bigint {
    return this.state.account(k.address)?.balance ?? 0n
  }
}

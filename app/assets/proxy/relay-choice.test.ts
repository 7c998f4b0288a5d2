import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { EMPTY_ACCOUNT, LedgerState } from '../../consensus/state'
import { peerStakes, rankByRelayStake, relayOf } from './relay-choice'

const R1 = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTA'
const R2 = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTB'
const R3 = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTC'
const TARGET = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTD'
const via = (relay: string, port: number) =>
  multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${relay}/p2p-circuit/p2p/${TARGET}`)

describe('relays chosen by stake', () => {
  it('reads the relay out of a relayed address, and nothing out of a direct one', () => {
    expect(relayOf(via(R1, 1))).toBe(R1)
    expect(relayOf(multiaddr(`/ip4/127.0.0.1/tcp/1/p2p/${TARGET}`))).toBeNull()
  })

  it('puts the relay with the most stake first, keeps the order of equal stakes, unstaked last', () => {
    const stakes = new Map([
      [R2, 10n],
      [R3, 500n],
    ])
    const ranked = rankByRelayStake(
      [via(R1, 1), via(R2, 2), via(R3, 3), via(R1, 4)],
      (p) => stakes.get(p) ?? 0n,
    )
    expect(ranked.map((a) => a.toString())).toEqual(
      [via(R3, 3), via(R2, 2), via(R1, 1), via(R1, 4)].map((a) => a.toString()),
    )
  })

  it('counts a validator’s bond and an asset owner’s bond for the peer that serves the asset', () => {
    const state = new LedgerState(1)
    state.accounts.set('v'.repeat(40), { ...EMPTY_ACCOUNT, bonded: 700n })
    state.accounts.set('o'.repeat(40), { ...EMPTY_ACCOUNT, bonded: 90n })
    const validator = (address: string, peerId: string, active: boolean) =>
      state.validators.set(address, {
        address,
        peerId,
        publicKey: '',
        space: { root: 'a'.repeat(64), leavesLog2: 4 },
        active,
        jailed: !active,
      })
    validator('v'.repeat(40), R1, true)
    validator('x'.repeat(40), R3, false)
    state.assets.set('f'.repeat(64), {
      assetId: 'f'.repeat(64),
      owner: 'o'.repeat(40),
      resource: 'memory',
      capacity: 1n,
      privacy: 'FullPublic',
      peerId: R2,
      registeredAt: 1,
    })
    const stakes = peerStakes(state)
    expect(stakes.get(R1)).toBe(700n)
    expect(stakes.get(R2)).toBe(90n)
    // A jailed validator that left the set lends its relay no standing.
    expect(stakes.has(R3)).toBe(false)
  })
})

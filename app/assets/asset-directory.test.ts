/**
 * Proxy addresses in use: resolved to the asset and the peer that serves it through the ledger's
 * registered assets, else through the peers this node knows; and peers named by id, multiaddr or proxy
 * address wherever the API names a peer.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AssetRecord } from '../consensus'
import { AssetRequestError } from './errors'
import { discoveredOnLedger, peerOfRef, resolveProxyAddress, type Directory } from './asset-directory'
import { assetIdOf } from './own-assets'
import { proxyAddressOf } from './proxy-address'

const NET = 'c'.repeat(64)
const OTHER = 'd'.repeat(64)
let owner: string
let known: string
let stranger: string
let record: AssetRecord

beforeAll(async () => {
  const ids = await Promise.all(
    [0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()),
  )
  ;[owner, known, stranger] = ids as [string, string, string]
  record = {
    assetId: assetIdOf(NET, owner, 'storage', 1),
    owner: 'f'.repeat(40),
    resource: 'storage',
    capacity: 1024n,
    privacy: 'PublicNetwork',
    peerId: owner,
    registeredAt: 7,
  }
})

const directory = (peers: string[] = []): Directory => ({
  networkId: NET,
  ledgerAssets: () => [record],
  knownPeers: () => peers,
})

describe('resolving a proxy address', () => {
  it('finds a registered asset and its serving peer on the ledger, however the address is written', () => {
    const address = proxyAddressOf({ networkId: NET, peerId: owner, resource: 'storage', index: 1 })
    const expected = {
      proxyAddress: address,
      peerId: owner,
      resource: 'storage',
      index: 1,
      assetId: record.assetId,
      registered: true,
    }
    expect(resolveProxyAddress(address, directory())).toEqual(expected)
    const padded = address
      .split(':')
      .map((g) => g.padStart(4, '0').toUpperCase())
      .join(':')
    expect(resolveProxyAddress(padded, directory())).toEqual(expected)
    expect(discoveredOnLedger(NET, known, record)).toMatchObject({ proxyAddress: address, isOwn: false })
  })

  it('falls back to a peer this node knows for an asset on no ledger, also one made on another network', () => {
    const here = proxyAddressOf({ networkId: NET, peerId: known, resource: 'memory', index: 0 })
    expect(resolveProxyAddress(here, directory([stranger, known]))).toEqual({
      proxyAddress: here,
      peerId: known,
      resource: 'memory',
      index: 0,
      assetId: assetIdOf(NET, known, 'memory', 0),
      registered: false,
    })
    const elsewhere = proxyAddressOf({ networkId: OTHER, peerId: known, resource: 'gpu', index: 2 })
    expect(resolveProxyAddress(elsewhere, directory([known]))).toMatchObject({
      peerId: known,
      assetId: null,
      registered: false,
    })
  })

  it('refuses a malformed or mistyped address, and one that names nobody known', () => {
    const address = proxyAddressOf({ networkId: NET, peerId: stranger, resource: 'cpu', index: 0 })
    expect(() => resolveProxyAddress(address, directory([known]))).toThrow(/names no asset/)
    expect(() => resolveProxyAddress('fd48::1', directory())).toThrow(AssetRequestError)
    expect(() => resolveProxyAddress('fd48::1.2.3.4', directory())).toThrow(/not an IPv6-style address/)
    const last = address.split(':').at(-1)!
    const typo = address.replace(/[0-9a-f]+$/, ((parseInt(last, 16) ^ 4) & 0xffff).toString(16))
    expect(() => resolveProxyAddress(typo, directory([stranger]))).toThrow(/mistyped/)
  })
})

describe('naming a peer', () => {
  it('by peer id, by a multiaddr ending in its peer id, or by a proxy address of its asset', () => {
    expect(peerOfRef(` ${known} `, directory())).toEqual({ peerId: known })
    const byAddress = peerOfRef(`/ip4/127.0.0.1/tcp/4001/p2p/${known}`, directory())
    expect(byAddress.peerId).toBe(known)
    expect(byAddress.address?.toString()).toBe(`/ip4/127.0.0.1/tcp/4001/p2p/${known}`)
    const proxy = proxyAddressOf({ networkId: NET, peerId: owner, resource: 'storage', index: 1 })
    expect(peerOfRef(proxy, directory())).toEqual({ peerId: owner })
  })

  it('refuses a multiaddr without a peer id, and text that is none of the three', () => {
    expect(() => peerOfRef('/ip4/127.0.0.1/tcp/4001', directory())).toThrow(/end it with \/p2p/)
    expect(() => peerOfRef('/ip4/999.1.1.1/tcp/1', directory())).toThrow(/not a multiaddr/)
    expect(() => peerOfRef('not-a-peer', directory())).toThrow(/neither a peer id/)
  })
})

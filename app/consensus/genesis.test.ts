import { describe, it, expect } from 'vitest'
import { createDevnetGenesis, createNetworkGenesis, GenesisDocument, networkIdOf } from './genesis'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const OTHER_PEER = '12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'
const CANDIDATE = {
  peerId: PEER,
  falconPublicKey: Uint8Array.of(1, 2, 3),
  space: { root: 'ab'.repeat(32), leavesLog2: 16 },
}

const genesis = (): GenesisDocument => ({
  version: 1,
  name: 'Test net',
  createdAt: '2025-01-02T03:04:05.678Z',
  creator: { peerId: PEER, falconPublicKey: 'AAECAwQF' },
  salt: '00112233445566778899aabbccddeeff',
})

const refusal = (value: unknown): string => {
  const result = GenesisDocument.safeParse(value)
  expect(result.success).toBe(false)
  return JSON.stringify(result.error?.issues ?? [])
}

describe('networkIdOf', () => {
  it('is 64 lowercase hex characters and the same for equal documents', () => {
    const id = networkIdOf(genesis())
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    expect(networkIdOf(genesis())).toBe(id)
  })

  it('does not depend on key order (canonical JSON)', () => {
    const g = genesis()
    const reordered = {
      salt: g.salt,
      creator: { falconPublicKey: g.creator.falconPublicKey, peerId: g.creator.peerId },
      name: g.name,
      createdAt: g.createdAt,
      version: g.version,
    } as GenesisDocument
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(g))
    expect(networkIdOf(reordered)).toBe(networkIdOf(g))
  })

  it('changes when any field changes', () => {
    const base = networkIdOf(genesis())
    const variants: GenesisDocument[] = [
      { ...genesis(), name: 'Test net ' },
      { ...genesis(), createdAt: '2025-01-02T03:04:05.679Z' },
      { ...genesis(), salt: '00112233445566778899aabbccddeefe' },
      { ...genesis(), creator: { peerId: OTHER_PEER, falconPublicKey: 'AAECAwQF' } },
      { ...genesis(), creator: { peerId: PEER, falconPublicKey: 'AAECAwQG' } },
      { ...genesis(), version: 2 as 1 },
    ]
    const ids = variants.map(networkIdOf)
    for (const id of ids) expect(id).not.toBe(base)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('GenesisDocument', () => {
  it('accepts a well-formed document and what createDevnetGenesis makes', () => {
    expect(GenesisDocument.parse(genesis())).toEqual(genesis())
    const made = createDevnetGenesis({ name: 'Mine', ...CANDIDATE })
    expect(GenesisDocument.safeParse(made).success).toBe(true)
    expect(made.creator.falconPublicKey).toBe('AQID')
    expect(made.salt).toMatch(/^[0-9a-f]{32}$/)
  })

  it('makes a devnet whose creator is its one validator, funded, idle between blocks', () => {
    const made = createDevnetGenesis({ name: 'Mine', ...CANDIDATE })
    const consensus = made.consensus!
    expect(consensus.validators).toEqual([
      { peerId: PEER, publicKey: 'AQID', stake: consensus.params.minValidatorStake, space: CANDIDATE.space },
    ])
    expect(consensus.balances).toHaveLength(1)
    expect(BigInt(consensus.balances[0]!.amount)).toBeGreaterThan(0n)
    expect(consensus.params.emptyBlocksEveryMs).toBe(30_000)
    expect(consensus.params.scheme).toBe('falcon-1024')
  })

  it('makes a network of several validators, each bonded and funded', () => {
    const other = { ...CANDIDATE, peerId: OTHER_PEER, falconPublicKey: Uint8Array.of(4, 5, 6) }
    const made = createNetworkGenesis({ name: 'Four', validators: [CANDIDATE, other], stake: '5000000000' })
    expect(made.creator.peerId).toBe(PEER)
    expect(made.consensus!.validators.map((v) => [v.peerId, v.stake])).toEqual([
      [PEER, '5000000000'],
      [OTHER_PEER, '5000000000'],
    ])
    expect(new Set(made.consensus!.balances.map((b) => b.address)).size).toBe(2)
    expect(() => createNetworkGenesis({ name: 'None', validators: [] })).toThrow(/at least one validator/)
  })

  it('refuses a consensus section that breaks its schema', () => {
    const made = createDevnetGenesis({ name: 'Mine', ...CANDIDATE })
    const params = { ...made.consensus!.params, timeoutProposeMs: -1 }
    expect(refusal({ ...made, consensus: { ...made.consensus, params } })).toContain('timeoutProposeMs')
    expect(refusal({ ...made, consensus: { ...made.consensus, validators: [] } })).toContain('validators')
  })

  it('refuses validator stakes below the minimum, a zero minimum, and timeouts that do not grow', () => {
    const made = createDevnetGenesis({ name: 'Mine', ...CANDIDATE })
    const consensus = made.consensus!
    const low = String(BigInt(consensus.params.minValidatorStake) - 1n)
    const validators = [{ ...consensus.validators[0]!, stake: low }]
    expect(refusal({ ...made, consensus: { ...consensus, validators } })).toContain(
      `validator stake ${low} is below the minimum`,
    )
    for (const [key, value] of [
      ['minValidatorStake', '0'],
      ['timeoutDeltaMs', 0],
    ] as const) {
      const params = { ...consensus.params, [key]: value }
      expect(refusal({ ...made, consensus: { ...consensus, params } })).toContain(key)
    }
  })

  it('gives two devnets made by one node at once different ids (salt)', () => {
    const init = { name: 'Mine', ...CANDIDATE }
    const a = createDevnetGenesis(init)
    const b = { ...createDevnetGenesis(init), createdAt: a.createdAt }
    expect(networkIdOf(a)).not.toBe(networkIdOf(b))
  })

  it('refuses extra fields at the top level and in creator', () => {
    expect(refusal({ ...genesis(), extra: 1 })).toContain('extra')
    expect(refusal({ ...genesis(), creator: { ...genesis().creator, role: 'admin' } })).toContain('role')
  })

  it('refuses a bad salt', () => {
    for (const salt of [
      '',
      '00112233',
      '00112233445566778899AABBCCDDEEFF',
      '00112233445566778899aabbccddeeffaa',
      'z'.repeat(32),
      7,
    ]) {
      expect(refusal({ ...genesis(), salt })).toContain('salt')
    }
  })

  it('refuses an empty or oversize name', () => {
    expect(GenesisDocument.safeParse({ ...genesis(), name: 'n'.repeat(64) }).success).toBe(true)
    expect(refusal({ ...genesis(), name: 'n'.repeat(65) })).toContain('name')
    expect(refusal({ ...genesis(), name: '' })).toContain('name')
  })

  it('refuses a missing field, a wrong version, a bad date, a bad peer id or a bad key', () => {
    const { salt: _salt, ...noSalt } = genesis()
    expect(refusal(noSalt)).toContain('salt')
    expect(refusal({ ...genesis(), version: 2 })).toContain('version')
    expect(refusal({ ...genesis(), createdAt: 'yesterday' })).toContain('createdAt')
    expect(
      refusal({ ...genesis(), creator: { ...genesis().creator, peerId: '0OIl0OIl0OIl0OIl0OIl' } }),
    ).toContain('peerId')
    expect(refusal({ ...genesis(), creator: { ...genesis().creator, falconPublicKey: '' } })).toContain(
      'falconPublicKey',
    )
    expect(
      refusal({ ...genesis(), creator: { ...genesis().creator, falconPublicKey: 'A'.repeat(4097) } }),
    ).toContain('falconPublicKey')
    expect(
      refusal({ ...genesis(), creator: { ...genesis().creator, falconPublicKey: 'not base64!' } }),
    ).toContain('falconPublicKey')
  })
})

/**
 * Each privacy level's promise, for every kind of peer: inside the network (admitted as a member) or
 * outside it, named by the network's ledger or not, trusted by id or not. Who may use a resource and who
 * is shown it are the same peers; whether it may go on the ledger depends on the level and the network.
 */
import { describe, expect, it } from 'vitest'
import { PRIVACY_LEVELS, type PrivacyLevel, type SharingSettings } from '../../../shared/sharing-schemas'
import { defaultSharing } from '../sharing/defaults'
import { refusalFor, registrationRefusal, visibleTo, type NetworkView } from './privacy'

const NET = 'a'.repeat(64)
const OTHER = 'b'.repeat(64)
const PEERS = {
  /** A member of NET, admitted by this node, that the ledger does not name. */
  member: '12D3KooWMemberMemberMemberMemberMemberMemberMember1',
  /** A member that the ledger names too (a validator, or an asset's server). */
  memberOnLedger: '12D3KooWMemberMemberMemberMemberMemberMemberMember2',
  /** Not a member now, but the ledger names it. */
  outsiderOnLedger: '12D3KooWOutsiderOutsiderOutsiderOutsiderOutsider1',
  /** Not a member, not on the ledger, but trusted by id. */
  trusted: '12D3KooWTrustedTrustedTrustedTrustedTrustedTrusted1',
  /** Not a member, not on the ledger, not trusted. */
  stranger: '12D3KooWStrangerStrangerStrangerStrangerStranger1',
} as const
type Peer = keyof typeof PEERS

const view: NetworkView = {
  activeNetworkId: NET,
  isMember: (peer) => peer === PEERS.member || peer === PEERS.memberOnLedger,
  onLedger: (peer) => peer === PEERS.memberOnLedger || peer === PEERS.outsiderOnLedger,
}

const terms = (privacy: PrivacyLevel, extra: Partial<SharingSettings> = {}): SharingSettings => ({
  ...defaultSharing('memory'),
  enabled: true,
  privacy,
  networks: privacy === 'PrivateNetwork' || privacy === 'PublicNetwork' ? [NET] : [],
  trustedPeers: privacy === 'P2P' ? [PEERS.trusted] : [],
  ...extra,
})

const allowed = (settings: SharingSettings, network = view): Peer[] =>
  (Object.keys(PEERS) as Peer[]).filter((p) => refusalFor(settings, PEERS[p], network) == null)

/** Who each level admits, on the network it names. */
const PROMISES: Record<PrivacyLevel, Peer[]> = {
  Private: [],
  PrivateNetwork: ['member', 'memberOnLedger'],
  P2P: ['trusted'],
  PublicNetwork: ['member', 'memberOnLedger', 'outsiderOnLedger'],
  FullPublic: ['member', 'memberOnLedger', 'outsiderOnLedger', 'trusted', 'stranger'],
}

describe('what each privacy level promises', () => {
  for (const level of PRIVACY_LEVELS)
    it(`${level}: used and seen by ${PROMISES[level].join(', ') || 'nobody'}`, () => {
      const settings = terms(level)
      expect(allowed(settings)).toEqual(PROMISES[level])
      for (const peer of Object.keys(PEERS) as Peer[])
        expect(visibleTo(settings, PEERS[peer], view)).toBe(PROMISES[level].includes(peer))
    })

  it('every two levels differ in whom they admit', () => {
    const sets = PRIVACY_LEVELS.map((level) => PROMISES[level].join(','))
    expect(new Set(sets).size).toBe(PRIVACY_LEVELS.length)
  })

  it('PrivateNetwork needs a member this node admitted; PublicNetwork takes a peer the ledger names too', () => {
    expect(refusalFor(terms('PrivateNetwork'), PEERS.outsiderOnLedger, view)).toMatch(
      /members of its private network/,
    )
    expect(refusalFor(terms('PublicNetwork'), PEERS.outsiderOnLedger, view)).toBeNull()
    // Without a ledger (none open), PublicNetwork falls back to members only.
    const noLedger = { activeNetworkId: NET, isMember: view.isMember }
    expect(allowed(terms('PublicNetwork'), noLedger)).toEqual(['member', 'memberOnLedger'])
  })

  it('the network levels admit nobody while this node is on a network they do not name', () => {
    const elsewhere = { ...view, activeNetworkId: OTHER }
    for (const level of ['PrivateNetwork', 'PublicNetwork'] as const)
      expect(allowed(terms(level), elsewhere)).toEqual([])
    expect(allowed(terms('P2P'), elsewhere)).toEqual(['trusted'])
    expect(allowed(terms('FullPublic'), elsewhere)).toHaveLength(5)
  })

  it('a resource that is not shared admits nobody, whatever its level', () => {
    for (const level of PRIVACY_LEVELS) expect(allowed(terms(level, { enabled: false }))).toEqual([])
  })
})

describe('which levels go on the ledger, which every member of the network reads', () => {
  it('never Private or P2P; the network levels on a network they name; FullPublic on any', () => {
    expect(registrationRefusal(terms('Private'), NET)).toMatch(/Private asset is not announced/)
    expect(registrationRefusal(terms('P2P'), NET)).toMatch(/P2P asset is not announced/)
    for (const level of ['PrivateNetwork', 'PublicNetwork'] as const) {
      expect(registrationRefusal(terms(level), NET)).toBeNull()
      expect(registrationRefusal(terms(level), OTHER)).toMatch(/only on the networks its terms name/)
    }
    expect(registrationRefusal(terms('FullPublic'), OTHER)).toBeNull()
  })
})

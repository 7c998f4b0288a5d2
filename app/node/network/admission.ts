/**
 * Admission to the active network, both ways round (./membership-protocol.ts):
 *
 * - as listener, {@link Admission.answer} checks a caller's proof (credential or invite token) before
 *   anything about the network is said, admits members, turns this node's own invites into credentials,
 *   and renews credentials it can better;
 * - as dialer, {@link Admission.hello} shows this node's proof and {@link Admission.acceptWelcome} checks the
 *   listener's in turn, keeping any credential it gave.
 *
 * Refusals are counted and logged once per peer per minute; hellos are limited per peer.
 */
import type { Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { isStoqConnection, PeerBudget, type FalconSigner } from '../../stoq'
import { toBase64 } from '../../consensus'
import { RefusalLog } from './admission-limits'
import {
  betterCredential,
  credentialEndsAt,
  credentialKey,
  credentialRefusal,
  issueCredential,
  VerifiedGrants,
  wantsRenewal,
  type Credential,
  type CredentialCheck,
  type TrustRoots,
} from './credential'
import { inviteTokenGenuine, makeInviteToken, type InviteToken } from './invite-token'
import {
  exchangeHello,
  type Answer,
  type Hello,
  type InviteProof,
  type MemberHint,
  type RefusalReason,
  type Welcome,
} from './membership-protocol'
import type { NetworkStore, StoredNetwork } from './network-store'
import { trustRoots, type RootKey } from './trust-roots'

export interface AdmissionParts {
  /** This node's peer id. */
  self: string
  /** This node's FALCON key: signs the grants it issues, verifies others' (worker threads in the node). */
  falcon: FalconSigner
  /** The key of this node's invite tokens. */
  inviteKey: Uint8Array
  /** The FALCON keys (base64) each peer proved in STOQ handshakes with this node. */
  provenKeys(peer: string): readonly string[]
  store: Pick<NetworkStore, 'credential' | 'saveCredential'>
  /** The active validators on the active network's ledger, as this node's chain knows them. */
  ledgerRoots(): Iterable<RootKey>
  /**
   * A member proved this FALCON key (base64) for its peer id: from now on no connection of that peer id
   * may show another (a forged Ed25519 signature cannot then borrow a member's standing).
   */
  pinKey?(peer: string, falconKey: string): void
  log: Logger
}

/** What the caller's connection proved: its peer id, and whether it is classical Noise (no FALCON key). */
export interface Caller {
  peer: string
  classical: boolean
}

export class Admission {
  readonly refusals: RefusalLog
  private readonly verified = new VerifiedGrants()
  /** Hellos per peer per minute. */
  private readonly budget = new PeerBudget(20)
  private readonly ownKey: string

  constructor(private readonly parts: AdmissionParts) {
    this.refusals = new RefusalLog(parts.log)
    this.ownKey = toBase64(parts.falcon.publicKey)
  }

  roots(network: StoredNetwork): TrustRoots {
    return trustRoots(network.genesis, this.parts.ledgerRoots())
  }

  /** This node's proof on `network`: empty when it is a root, its stored credential, or null (none valid). */
  ownCredential(network: StoredNetwork, now = Date.now()): Credential | null {
    if (this.roots(network).keysOf(this.parts.self).includes(this.ownKey)) return []
    const stored = this.parts.store.credential(network.networkId)
    return stored != null && credentialEndsAt(stored) > now ? stored : null
  }

  makeInvite(network: StoredNetwork, now = Date.now()): InviteToken {
    return makeInviteToken(this.parts.inviteKey, this.scope(network.networkId, network.name), now)
  }

  hello(networkId: string, network: StoredNetwork | undefined, invite?: InviteProof): Hello {
    const credential = network == null ? [] : (this.ownCredential(network) ?? [])
    return { type: 'hello', networkId, credential, ...(invite == null ? {} : { invite }) }
  }

  /** A LAN probe's hello: it names no network and shows no proof, so a stranger learns nothing from it. */
  static readonly probe: Hello = { type: 'hello', credential: [] }

  /** The listener's answer to `hello` from `caller`, and whether the caller is now a member. */
  async answer(
    hello: Hello,
    caller: Caller,
    network: StoredNetwork,
    members: () => Promise<MemberHint[]>,
  ): Promise<{ answer: Answer; admitted: boolean }> {
    const refused = (reason: RefusalReason, message: string, detail = message) => {
      this.refusals.note(caller.peer, reason, detail)
      return { answer: { type: 'refused' as const, reason, message }, admitted: false }
    }
    if (!this.budget.take(caller.peer)) return refused('busy', 'too many hellos; try again in a minute')
    // A LAN probe claims nothing: it learns only that this node speaks the protocol (not logged).
    const networkId = hello.networkId
    if (networkId == null)
      return {
        answer: { type: 'refused' as const, reason: 'not-admitted' as const, message: NOT_ADMITTED },
        admitted: false,
      }
    const now = Date.now()
    const welcome = async (grant?: Credential) => ({
      answer: {
        type: 'welcome' as const,
        networkId: network.networkId,
        genesis: network.genesis,
        members: await members(),
        credential: this.ownCredential(network, now) ?? [],
        ...(grant == null ? {} : { grant }),
      },
      admitted: true,
    })
    if (hello.invite != null) {
      const { token, networkName } = hello.invite
      if (!inviteTokenGenuine(this.parts.inviteKey, token, this.scope(networkId, networkName)))
        return refused(
          'invite-invalid',
          'this node did not make that invite: it was altered, or is another node’s',
        )
      if (token.endsAt <= now)
        return refused('invite-expired', `the invite expired at ${new Date(token.endsAt).toISOString()}`)
      if (networkId !== network.networkId)
        return refused('invite-left', 'the node that made this invite is no longer on its network')
      const grant = await this.issueFor(caller, network, now)
      if (grant == null)
        return refused(
          'cannot-issue',
          caller.classical
            ? 'a member is admitted over STOQ only, where its FALCON key is proved'
            : 'this node can no longer admit anyone: its own membership ends soon',
        )
      this.parts.log.info({ peer: caller.peer, tokenId: token.tokenId }, 'admitted a peer by its invite')
      this.parts.pinKey?.(caller.peer, grant.at(-1)!.grant.memberKey)
      return welcome(grant)
    }
    if (networkId !== network.networkId)
      return refused('not-admitted', NOT_ADMITTED, 'asked for another network')
    const check = this.checkOf(network, caller.peer, this.keysOf(caller), now)
    const refusal = await credentialRefusal(hello.credential, check)
    if (refusal != null) return refused('not-admitted', NOT_ADMITTED, `${refusal.code}: ${refusal.message}`)
    this.pin(hello.credential, check)
    return welcome(await this.renewalFor(hello.credential, caller, network, now))
  }

  /**
   * Checks a listener's welcome: its network is the one asked for, and (unless an invite names the
   * listener, which is then trusted as the invite's maker) its credential holds. Returns the credential
   * it gave this node, if one is for this node's peer id and key on that network, or why the listener is
   * not taken for a member.
   */
  async acceptWelcome(
    welcome: Welcome,
    listener: Caller,
    expectedNetworkId: string,
    network: StoredNetwork,
    viaInvite: boolean,
  ): Promise<{ ok: true; grant: Credential | null } | { ok: false; reason: string }> {
    if (welcome.networkId !== expectedNetworkId)
      return { ok: false, reason: 'it answered for another network' }
    if (!viaInvite) {
      const check = this.checkOf(network, listener.peer, this.keysOf(listener), Date.now())
      const refusal = await credentialRefusal(welcome.credential, check)
      if (refusal != null)
        return { ok: false, reason: `its credential does not hold (${refusal.code}: ${refusal.message})` }
      this.pin(welcome.credential, check)
    }
    const grant =
      welcome.grant != null && (await this.holds(welcome.grant, network, viaInvite)) ? welcome.grant : null
    if (viaInvite && grant == null)
      return { ok: false, reason: 'it admitted this node without a credential for it' }
    return { ok: true, grant }
  }

  /**
   * Shows this node's proof to the peer on `connection` (which this node dialed, or a member it asks for a
   * renewal) and checks the peer's in turn. The members the peer named when it is a member of `network`
   * (a better credential it gave is kept), or null when it is not: its refusal or failure is logged.
   */
  async askPeer(connection: Connection, network: StoredNetwork): Promise<MemberHint[] | null> {
    const listener = callerOf(connection)
    try {
      const answer = await exchangeHello(connection, this.hello(network.networkId, network))
      if (answer.type === 'refused') {
        this.refusals.note(listener.peer, `refused-by-peer:${answer.reason}`, answer.message)
        return null
      }
      const accepted = await this.acceptWelcome(answer, listener, network.networkId, network, false)
      if (!accepted.ok) {
        this.refusals.note(listener.peer, 'listener-not-a-member', accepted.reason)
        return null
      }
      if (accepted.grant != null) this.keep(accepted.grant, network)
      return answer.members
    } catch (err) {
      this.parts.log.debug({ peer: listener.peer, err: (err as Error).message }, 'membership check failed')
      return null
    }
  }

  /** Keeps `grant` as this node's credential on `network` if it is better than the one held. */
  keep(grant: Credential, network: StoredNetwork): void {
    const current = this.parts.store.credential(network.networkId)
    if (betterCredential(current, grant)) this.parts.store.saveCredential(network.networkId, grant)
  }

  private pin(credential: Credential, check: Parameters<typeof credentialKey>[1]): void {
    const key = credentialKey(credential, check)
    if (key != null) this.parts.pinKey?.(check.holder, key)
  }

  /**
   * Whether a credential a listener gave this node is one to keep: it is for this node's peer id and key
   * on this network, and it holds (signatures, chain, times), so that no member can replace a good
   * credential with junk. Only when joining by invite may its root be one this node cannot see yet (an
   * active validator on a ledger it has not synced): the invite's maker is trusted by the person who used
   * the invite, and the credential's signatures are checked when this node shows it to others.
   */
  private async holds(grant: Credential, network: StoredNetwork, viaInvite: boolean): Promise<boolean> {
    if (!this.isForUs(grant, network)) return false
    const refusal = await credentialRefusal(
      grant,
      this.checkOf(network, this.parts.self, [this.ownKey], Date.now()),
    )
    if (refusal == null || (viaInvite && refusal.code === 'untrusted-root')) return true
    this.parts.log.warn(
      { code: refusal.code },
      `a peer gave this node a credential that does not hold: ${refusal.message}`,
    )
    return false
  }

  /** What a credential of `holder`, who proved `holderKeys`, is checked against on `network`. */
  private checkOf(
    network: StoredNetwork,
    holder: string,
    holderKeys: readonly string[] | null,
    now: number,
  ): CredentialCheck {
    return {
      networkId: network.networkId,
      roots: this.roots(network),
      holder,
      holderKeys,
      now,
      verify: (signature, message, key) => this.parts.falcon.verify(signature, message, key),
      verified: this.verified,
    }
  }

  /** The FALCON keys a peer proved in STOQ handshakes; none can be shown over classical Noise. */
  private keysOf(peer: Caller): readonly string[] | null {
    return peer.classical ? null : this.parts.provenKeys(peer.peer)
  }

  private isForUs(grant: Credential, network: StoredNetwork): boolean {
    const leaf = grant.at(-1)?.grant
    return (
      leaf != null &&
      leaf.member === this.parts.self &&
      leaf.memberKey === this.ownKey &&
      grant.every((g) => g.grant.networkId === network.networkId)
    )
  }

  private scope(networkId: string, networkName: string) {
    return { networkId, networkName, issuer: this.parts.self }
  }

  /** A credential for an invite's redeemer, for the FALCON key it proved on this connection. */
  private async issueFor(caller: Caller, network: StoredNetwork, now: number): Promise<Credential | null> {
    const falconKey = caller.classical ? undefined : this.parts.provenKeys(caller.peer).at(-1)
    const own = this.ownCredential(network, now)
    if (falconKey == null || own == null) return null
    return issueCredential(this.issuer(network, own), { peerId: caller.peer, falconKey }, now)
  }

  /** A better credential for a member whose own is long or ends soon, when this node can give one. */
  private async renewalFor(
    current: Credential,
    caller: Caller,
    network: StoredNetwork,
    now: number,
  ): Promise<Credential | undefined> {
    const own = this.ownCredential(network, now)
    const leaf = current.at(-1)?.grant
    if (own == null || leaf == null || !wantsRenewal(current, own.length, now)) return undefined
    const offered = await issueCredential(
      this.issuer(network, own),
      { peerId: caller.peer, falconKey: leaf.memberKey },
      now,
    )
    return offered != null && betterCredential(current, offered) ? offered : undefined
  }

  private issuer(network: StoredNetwork, own: Credential) {
    return {
      networkId: network.networkId,
      peerId: this.parts.self,
      credential: own,
      sign: (message: Uint8Array) => this.parts.falcon.sign(message),
    }
  }
}

const NOT_ADMITTED = 'this node does not admit you to the network you asked for'

/** The peer on the other end of a connection, and whether its connection is classical (no FALCON key). */
export const callerOf = (connection: Connection): Caller => ({
  peer: connection.remotePeer.toString(),
  classical: !isStoqConnection(connection),
})

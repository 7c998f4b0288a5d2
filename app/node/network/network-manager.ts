/**
 * Network membership, enforced on every connection: a peer counts (is listed, is pinged, is remembered,
 * may speak consensus) only once it has proved it is a member of this node's active network, with a
 * credential or an invite of this node (./admission.ts, ./membership-protocol.ts), and this node has
 * checked the same of every peer it dials. Other connections are closed; HyperMesh nodes found on the LAN
 * by mDNS are listed as nodes to ask for an invite.
 */
import type { Connection, Libp2p, PeerId, PeerInfo as Libp2pPeerInfo, Stream } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'
import { ApiError, type LanOffer, type NetworkInfo, type PeerInfo } from '../../../shared/api'
import { LanOfferBook, OFFER_REFRESH_MS } from './lan-offers'
import type { ApiDispatcher } from '../api/dispatcher'
import {
  answerHello,
  MAX_MEMBER_HINTS,
  MEMBERSHIP_PROTOCOL,
  MEMBERSHIP_TIMEOUT_MS,
  type MemberHint,
} from './membership-protocol'
import { decodeInvite, encodeInvite, InviteError, type Invite } from './invite'
import { inviteAddresses } from './addresses'
import type { NetworkStore, StoredNetwork } from './network-store'
import { allowsClassicalNoise } from '../../consensus'
import { isStoqConnection, type FalconSigner } from '../../stoq'
import { probePeer } from './probe'
import { dialBest } from './dial'
import { Admission, callerOf } from './admission'
import { redeemInvite } from './join'
import { credentialEndsAt, RENEW_WITHIN_MS, type Credential } from './credential'
import type { RootKey } from './trust-roots'

export interface NetworkManagerComponents {
  libp2p: Libp2p<{ ping: Ping }>
  store: NetworkStore
  log: Logger
  events: Pick<ApiDispatcher, 'emit'>
  /** This node's FALCON key: signs the credentials it issues, verifies others'. */
  falcon: FalconSigner
  /** The key of this node's invite tokens (./invite-token.ts). */
  inviteKey: Uint8Array
  /** The FALCON keys (base64) each peer proved in STOQ handshakes with this node (./peer-key-book.ts). */
  provenKeys(peer: string): readonly string[]
  /** A member's credential named this key for its peer id: the handshake refuses any other from now on. */
  pinKey?(peer: string, falconKey: string): void
}

export interface NetworkManagerInit {
  pingIntervalMs: number
  /** How often to redial remembered peers of the active network that are not connected. */
  redialIntervalMs?: number
  /**
   * Whether a peer on none of our networks may keep its connection: one that a shared asset's privacy
   * level admits (a trusted peer, or anyone for a fully public asset), or one whose asset this node is
   * using. It can use only the asset protocols; consensus and peer lists stay members-only.
   */
  keepOutsider?: (peer: string) => boolean
  /** An mDNS offer is probed again only after this long. */
  offerRefreshMs?: number
  /** An offer not seen again for this long is dropped. */
  offerTtlMs?: number
  /** The active validators on the active network's ledger: roots that may admit members (./trust-roots.ts). */
  ledgerRoots?: () => Iterable<RootKey>
  /** How often to renew this node's own credential from members, when it ends soon. */
  renewIntervalMs?: number
}

interface Member {
  peerId: PeerId
  admittedAt: number
  latencyMs: number | null
}

const ADMISSION_GRACE_MS = MEMBERSHIP_TIMEOUT_MS + 5_000

export class NetworkManager {
  readonly name = 'network'
  private active: StoredNetwork
  private readonly members = new Map<string, Member>()
  private readonly offers: LanOfferBook
  /** Peers we are dialing to learn their network: their connections are judged by the probe, not here. */
  private readonly probing = new Set<string>()
  /** Peers we are dialing as members (known or hinted): discovering them is no reason to probe them. */
  private readonly dialing = new Set<string>()
  private readonly timers: NodeJS.Timeout[] = []
  private operation: Promise<unknown> = Promise.resolve()
  private peersChangedTimer: NodeJS.Timeout | null = null
  /** Connections given a grace period to prove membership: their timers end with the manager. */
  private readonly admissionTimers = new Set<NodeJS.Timeout>()
  private readonly activeListeners = new Set<(network: StoredNetwork) => void>()
  private stopped = false
  private readonly admission: Admission

  constructor(
    private readonly components: NetworkManagerComponents,
    private readonly init: NetworkManagerInit,
    active: StoredNetwork,
  ) {
    this.active = active
    this.offers = new LanOfferBook(init.offerRefreshMs, init.offerTtlMs)
    this.admission = new Admission({
      self: components.libp2p.peerId.toString(),
      falcon: components.falcon,
      inviteKey: components.inviteKey,
      provenKeys: (peer) => components.provenKeys(peer),
      pinKey: (peer, key) => components.pinKey?.(peer, key),
      store: components.store,
      ledgerRoots: () => init.ledgerRoots?.() ?? [],
      log: components.log,
    })
  }

  /** Refusals of callers' membership so far, by reason. */
  refusalCounts(): Readonly<Record<string, number>> {
    return this.admission.refusals.counts
  }

  async start(): Promise<void> {
    const { libp2p } = this.components
    await libp2p.handle(MEMBERSHIP_PROTOCOL, (stream, connection) => this.onHello(stream, connection), {
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    })
    libp2p.addEventListener('connection:open', this.onConnectionOpen)
    libp2p.addEventListener('connection:close', this.onConnectionClose)
    libp2p.addEventListener('peer:discovery', this.onDiscovery)
    libp2p.addEventListener('peer:identify', this.onIdentify)
    this.timers.push(setInterval(() => void this.pingMembers(), this.init.pingIntervalMs))
    this.timers.push(setInterval(() => void this.redialKnownPeers(), this.init.redialIntervalMs ?? 15_000))
    this.timers.push(setInterval(() => this.expireOffers(), this.init.offerRefreshMs ?? OFFER_REFRESH_MS))
    this.timers.push(setInterval(() => void this.renewCredential(), this.init.renewIntervalMs ?? 3600_000))
    void this.redialKnownPeers()
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers) clearInterval(timer)
    this.timers.length = 0
    for (const timer of this.admissionTimers) clearTimeout(timer)
    this.admissionTimers.clear()
    if (this.peersChangedTimer != null) clearTimeout(this.peersChangedTimer)
    const { libp2p } = this.components
    libp2p.removeEventListener('connection:open', this.onConnectionOpen)
    libp2p.removeEventListener('connection:close', this.onConnectionClose)
    libp2p.removeEventListener('peer:discovery', this.onDiscovery)
    libp2p.removeEventListener('peer:identify', this.onIdentify)
    await Promise.resolve(libp2p.unhandle(MEMBERSHIP_PROTOCOL)).catch(() => {})
  }

  networkInfo(): NetworkInfo {
    return {
      networkId: this.active.networkId,
      name: this.active.name,
      isOwnDevnet: this.active.ownDevnet,
      joinedAt: this.active.joinedAt,
    }
  }

  /** Peer ids of the members connected now (the consensus transport's recipients). */
  memberIds(): string[] {
    return [...this.members.keys()]
  }

  isMember(peer: string): boolean {
    return this.members.has(peer)
  }

  /** The network this node is on now. */
  activeNetwork(): StoredNetwork {
    return this.active
  }

  /** Calls `listener` with the new network whenever a join or leave changes the active one. */
  onActiveNetworkChanged(listener: (network: StoredNetwork) => void): () => void {
    this.activeListeners.add(listener)
    return () => this.activeListeners.delete(listener)
  }

  peers(): PeerInfo[] {
    const out: PeerInfo[] = []
    for (const member of this.members.values()) {
      const connections = this.components.libp2p
        .getConnections(member.peerId)
        .filter((c) => c.status === 'open')
      const first = connections[0]
      if (first == null) continue
      out.push({
        peerId: member.peerId.toString(),
        addresses: [...new Set(connections.map((c) => c.remoteAddr.toString()))],
        direction: first.direction === 'inbound' ? 'inbound' : 'outbound',
        connectedAt: member.admittedAt,
        latencyMs: member.latencyMs,
        encryption: first.encryption ?? 'unknown',
        postQuantum: isStoqConnection(first),
      })
    }
    return out.sort((a, b) => a.connectedAt - b.connectedAt)
  }

  lanOffers(): LanOffer[] {
    return this.offers.list()
  }

  /** An invite to the active network: its holder is admitted by this node until the invite expires. */
  invite(): string {
    const addresses = inviteAddresses(this.components.libp2p.getMultiaddrs())
    if (addresses.length === 0)
      throw new ApiError('UNREACHABLE', 'this node has no listen address to put in an invite')
    if (this.admission.ownCredential(this.active) == null)
      throw new ApiError(
        'BAD_REQUEST',
        `this node's membership of "${this.active.name}" has ended, so it cannot admit anyone; ask a member for a fresh invite`,
      )
    return encodeInvite({
      networkId: this.active.networkId,
      networkName: this.active.name,
      addresses,
      token: this.admission.makeInvite(this.active),
    })
  }

  /** Join the network an invite names. On any failure nothing changes. */
  join(inviteText: string): Promise<NetworkInfo> {
    return this.serialize(async () => {
      let invite
      try {
        invite = decodeInvite(inviteText)
      } catch (err) {
        if (err instanceof InviteError) throw new ApiError('INVALID_INVITE', err.message)
        throw err
      }
      return this.joinVia(invite)
    })
  }

  /** Go back to this node's own devnet. */
  leave(): Promise<NetworkInfo> {
    return this.serialize(async () => {
      const own = this.components.store.ownDevnet()
      if (own == null) throw new ApiError('INTERNAL', 'this node has no devnet of its own on record')
      if (this.active.networkId === own.networkId) return this.networkInfo()
      this.components.store.setActiveNetwork(own.networkId)
      await this.switchTo(own, new Set())
      this.components.log.info({ networkId: own.networkId }, 'left the network; back on our own devnet')
      return this.networkInfo()
    })
  }

  private async joinVia(invite: Invite): Promise<NetworkInfo> {
    const self = this.components.libp2p.peerId.toString()
    if (invite.addresses.every((a) => a.getComponents().at(-1)?.value === self)) {
      if (invite.networkId === this.active.networkId) return this.networkInfo()
      throw new ApiError('INVALID_INVITE', 'this invite points only at this node itself')
    }
    const { welcome, connection, credential } = await redeemInvite(invite, {
      libp2p: this.components.libp2p,
      admission: this.admission,
      store: this.components.store,
      probing: this.probing,
      keepsOutsider: (c) => this.keepsOutsider(c),
    })
    let joined: StoredNetwork
    if (invite.networkId === this.active.networkId) {
      this.admission.keep(credential, this.active)
      joined = this.active
    } else joined = this.components.store.joinNetwork(welcome.genesis, credential)
    await this.switchTo(joined, new Set([connection.remotePeer.toString()]))
    this.admit(connection)
    this.connectToHints(welcome.members)
    this.components.log.info({ networkId: joined.networkId, name: joined.name }, 'joined network')
    return this.networkInfo()
  }

  private async switchTo(network: StoredNetwork, keep: Set<string>): Promise<void> {
    const changed = network.networkId !== this.active.networkId
    this.active = network
    if (!changed) return
    for (const [peerId, member] of this.members) {
      if (keep.has(peerId)) continue
      this.members.delete(peerId)
      await this.components.libp2p.hangUp(member.peerId).catch(() => {})
    }
    for (const listener of this.activeListeners) listener(this.active)
    this.components.events.emit('network.changed', this.networkInfo())
    this.components.events.emit('lan.offers', this.lanOffers())
    this.peersChanged()
    void this.redialKnownPeers()
  }

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.operation.then(op, op)
    this.operation = next.catch(() => {})
    return next
  }

  /** Members to tell a new member about (never anyone else: only admitted callers are answered with them). */
  private async memberHints(asker: string): Promise<MemberHint[]> {
    const members: MemberHint[] = []
    for (const member of this.members.values()) {
      if (members.length >= MAX_MEMBER_HINTS) break
      const peer = member.peerId.toString()
      if (peer === asker) continue
      const known = await this.components.libp2p.peerStore.get(member.peerId).catch(() => null)
      const addrs = inviteAddresses((known?.addresses ?? []).map((a) => withPeerId(a.multiaddr, peer)))
      if (addrs.length > 0) members.push({ peerId: peer, addrs: addrs.map((a) => a.toString()) })
    }
    return members
  }

  /** Dial members a peer told us about (peer exchange); the membership check admits them as usual. */
  private connectToHints(hints: MemberHint[]): void {
    const { libp2p } = this.components
    const self = libp2p.peerId.toString()
    for (const hint of hints) {
      if (hint.peerId === self || this.members.has(hint.peerId) || this.probing.has(hint.peerId)) continue
      if (libp2p.getConnections().some((c) => c.remotePeer.toString() === hint.peerId)) continue
      void this.dialQuietly(hint.peerId, hint.addrs)
    }
  }

  /** A caller's hello: its proof is checked before anything about the network is said (./admission.ts). */
  private readonly onHello = async (stream: Stream, connection: Connection): Promise<void> => {
    const caller = callerOf(connection)
    if (!this.transportAllowed(connection)) {
      stream.abort(new Error('this network requires STOQ'))
      return
    }
    try {
      const network = this.active
      let admitted = false
      await answerHello(stream, async (hello) => {
        const decided = await this.admission.answer(hello, caller, network, () =>
          this.memberHints(caller.peer),
        )
        admitted = decided.admitted && network === this.active
        return decided.answer
      })
      if (admitted) this.admit(connection)
      // Otherwise the caller hangs up, or the admission grace timer closes its connection.
    } catch (err) {
      this.components.log.debug({ peer: caller.peer, err: (err as Error).message }, 'bad hello refused')
    }
  }

  private readonly onConnectionOpen = (event: CustomEvent<Connection>): void => {
    const connection = event.detail
    const peer = connection.remotePeer.toString()
    if (!this.transportAllowed(connection)) {
      this.components.log.warn(
        { peer, encryption: connection.encryption },
        'refused a classical (non-STOQ) connection: this network requires STOQ',
      )
      connection.close().catch(() => {})
      return
    }
    if (connection.direction === 'outbound' && !this.probing.has(peer)) void this.verifyOutbound(connection)
    // Any connection not admitted in time (no hello, or another network) is closed, unless a shared
    // asset's privacy level admits the peer.
    const timer = setTimeout(() => {
      this.admissionTimers.delete(timer)
      const admitted =
        this.members.has(peer) || this.probing.has(peer) || this.init.keepOutsider?.(peer) === true
      if (!admitted && connection.status === 'open') connection.close().catch(() => {})
    }, ADMISSION_GRACE_MS)
    timer.unref()
    this.admissionTimers.add(timer)
  }

  /** A peer we dialed: we show our proof, and take it for a member only once it proved the same. */
  private async verifyOutbound(connection: Connection): Promise<void> {
    const network = this.active
    const hints = await this.admission.askPeer(connection, network)
    if (hints != null && network === this.active) {
      this.admit(connection)
      this.connectToHints(hints)
    } else if (!this.keepsOutsider(connection)) await connection.close().catch(() => {})
  }

  /** Renews this node's credential from the members it is connected to, when it ends within the renewal window. */
  private async renewCredential(): Promise<void> {
    const network = this.active
    for (const member of this.members.values()) {
      if (!endsSoon(this.admission.ownCredential(network))) return
      const connection = this.components.libp2p.getConnections(member.peerId).find((c) => c.status === 'open')
      if (connection != null) await this.admission.askPeer(connection, network)
    }
  }

  private keepsOutsider(connection: Connection): boolean {
    return this.init.keepOutsider?.(connection.remotePeer.toString()) === true
  }

  private readonly onConnectionClose = (event: CustomEvent<Connection>): void => {
    const peer = event.detail.remotePeer
    const open = this.components.libp2p.getConnections(peer).filter((c) => c.status === 'open')
    if (open.length === 0 && this.members.delete(peer.toString())) {
      this.components.log.info({ peer: peer.toString() }, 'peer disconnected')
      this.peersChanged()
    }
  }

  private readonly onIdentify = (event: CustomEvent<{ peerId: PeerId; listenAddrs: Multiaddr[] }>): void => {
    const { peerId, listenAddrs } = event.detail
    if (!this.members.has(peerId.toString())) return
    const dialable = inviteAddresses(listenAddrs.map((a) => withPeerId(a, peerId.toString())))
    if (dialable.length > 0) {
      this.components.store.rememberPeer(
        this.active.networkId,
        peerId.toString(),
        dialable.map((a) => a.toString()),
      )
    }
  }

  /**
   * A HyperMesh node found on the LAN. A known member of our network is dialed (the membership check on
   * the connection does the rest); any other is probed with a hello that names no network and shows no
   * proof, and listed as a node whose user can give an invite. Neither side learns the other's network.
   */
  private readonly onDiscovery = (event: CustomEvent<Libp2pPeerInfo>): void => {
    const { id, multiaddrs } = event.detail
    const peer = id.toString()
    if (this.stopped || this.members.has(peer) || this.probing.has(peer) || this.dialing.has(peer)) return
    // libp2p reports every peer new to its peer store, those it is connected to included: a connection
    // is judged by the membership check on it, never by a probe.
    if (this.components.libp2p.getConnections(id).length > 0) return
    if (!this.offers.needsProbe(peer)) return
    const known = this.components.store.knownPeers(this.active.networkId).find((p) => p.peerId === peer)
    if (known != null) {
      void this.dialQuietly(peer, known.addrs)
      return
    }
    const addresses = multiaddrs.map((a) => withPeerId(a, peer))
    void probePeer(this.components.libp2p, peer, addresses, Admission.probe, this.probing).then(
      async (result) => {
        if (result.kind === 'unreachable' || this.stopped || this.members.has(peer)) return
        this.offers.set({ peerId: peer, addresses: multiaddrs.map((a) => a.toString()), seenAt: Date.now() })
        // The probe's connection goes, unless a shared asset admits the peer (its connection may be in use).
        if (!this.keepsOutsider(result.connection)) await result.connection.close().catch(() => {})
        this.components.events.emit('lan.offers', this.lanOffers())
      },
    )
  }

  /** The active network's rule: STOQ only, unless its genesis allows classical Noise. */
  private transportAllowed(connection: Connection): boolean {
    return isStoqConnection(connection) || allowsClassicalNoise(this.active.genesis)
  }

  private expireOffers(): void {
    if (this.offers.expire()) this.components.events.emit('lan.offers', this.lanOffers())
  }

  private admit(connection: Connection): void {
    const peer = connection.remotePeer.toString()
    if (this.members.has(peer) || connection.status !== 'open' || !this.transportAllowed(connection)) return
    this.members.set(peer, { peerId: connection.remotePeer, admittedAt: Date.now(), latencyMs: null })
    if (this.offers.delete(peer)) this.components.events.emit('lan.offers', this.lanOffers())
    void this.rememberMember(connection)
    this.components.log.info({ peer, direction: connection.direction }, 'peer joined our network view')
    this.peersChanged()
    void this.pingMember(peer)
  }

  /**
   * Keeps where to reach a member after a restart of either side: the listen addresses it announced
   * (identify, often done before the member was admitted, so read from the peer store), and the address
   * this node dialed. The dialed address alone is not enough: a peer that dialed us is known by no address
   * at all, and one of a peer's listen ports may change when it restarts.
   */
  private async rememberMember(connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const known = await this.components.libp2p.peerStore.get(connection.remotePeer).catch(() => null)
    const announced = (known?.addresses ?? []).map((a) => withPeerId(a.multiaddr, peer))
    const dialed = connection.direction === 'outbound' ? [withPeerId(connection.remoteAddr, peer)] : []
    const addrs = inviteAddresses([...dialed, ...announced])
    if (addrs.length > 0 && !this.stopped && this.members.has(peer))
      this.components.store.rememberPeer(
        this.active.networkId,
        peer,
        addrs.map((a) => a.toString()),
      )
  }

  private async pingMembers(): Promise<void> {
    await Promise.all([...this.members.keys()].map((peer) => this.pingMember(peer)))
  }

  private async pingMember(peer: string): Promise<void> {
    const member = this.members.get(peer)
    if (member == null) return
    try {
      const rtt = await this.components.libp2p.services.ping.ping(member.peerId, {
        signal: AbortSignal.timeout(5_000),
      })
      member.latencyMs = rtt
      this.peersChanged()
    } catch (err) {
      this.components.log.debug({ peer, err: (err as Error).message }, 'ping failed')
    }
  }

  private async redialKnownPeers(): Promise<void> {
    if (this.stopped) return
    const { libp2p, store } = this.components
    const self = libp2p.peerId.toString()
    const candidates = store
      .knownPeers(this.active.networkId)
      .filter(
        (p) =>
          p.peerId !== self &&
          !this.members.has(p.peerId) &&
          libp2p.getConnections().every((c) => c.remotePeer.toString() !== p.peerId),
      )
      .slice(0, 16)
    // verifyOutbound (connection:open) decides membership of whatever connects.
    await Promise.all(candidates.map((p) => this.dialQuietly(p.peerId, p.addrs)))
  }

  /** Dials a peer by its addresses (Happy Eyeballs); failure is normal here (peers go away) and only logged. */
  private async dialQuietly(peerId: string, addrs: string[]): Promise<void> {
    const addresses: Multiaddr[] = []
    for (const text of addrs) {
      try {
        const address = multiaddr(text)
        if (address.getComponents().at(-1)?.value === peerId) addresses.push(address)
      } catch {
        /* a stored or hinted address that does not parse is skipped */
      }
    }
    if (addresses.length === 0 || this.dialing.has(peerId)) return
    this.dialing.add(peerId)
    try {
      await dialBest(this.components.libp2p, addresses, AbortSignal.timeout(5_000))
    } catch (err) {
      this.components.log.debug({ peer: peerId, err: (err as Error).message }, 'could not reach peer')
    } finally {
      this.dialing.delete(peerId)
    }
  }

  /** Coalesces bursts of changes (joins, pings) into one event per 200 ms. */
  private peersChanged(): void {
    if (this.peersChangedTimer != null || this.stopped) return
    this.peersChangedTimer = setTimeout(() => {
      this.peersChangedTimer = null
      this.components.events.emit('peers.changed', this.peers())
    }, 200)
  }
}

/** Whether a (non-root) credential ends within the renewal window. */
const endsSoon = (credential: Credential | null): boolean =>
  credential != null && credential.length > 0 && credentialEndsAt(credential) - Date.now() < RENEW_WITHIN_MS

function withPeerId(address: Multiaddr, peerId: string): Multiaddr {
  const last = address.getComponents().at(-1)
  return last?.name === 'p2p' ? address : address.encapsulate(`/p2p/${peerId}`)
}

/**
 * What a person shares and on what terms: per resource (CPU, GPU, memory, storage) the allocation, when
 * it may be used, the limits that protect their own use of the machine, the price, the proofs a lease must
 * carry, and who may see and use it (the privacy level). The node enforces these; the UI edits them.
 */
import { z } from 'zod'
import { HashText, NetworkIdText, PeerIdText } from './schemas'

export const RESOURCE_KINDS = ['cpu', 'gpu', 'memory', 'storage'] as const
export const ResourceKind = z.enum(RESOURCE_KINDS)
export type ResourceKind = z.infer<typeof ResourceKind>

export const PRIVACY_LEVELS = ['Private', 'PrivateNetwork', 'P2P', 'PublicNetwork', 'FullPublic'] as const
export const PrivacyLevel = z.enum(PRIVACY_LEVELS)
export type PrivacyLevel = z.infer<typeof PrivacyLevel>

/**
 * Each level in one line each: who can see it, who can use it, what it earns. The node holds each line
 * (app/assets/proxy/privacy.ts): "see" is the asset listing a peer asks the node for, and the ledger.
 */
export const PRIVACY_LEVEL_INFO: Record<
  PrivacyLevel,
  { sees: string; uses: string; earns: string; rewardMultiplier: number }
> = {
  Private: {
    sees: 'Nobody: it is neither put on a ledger nor listed to any peer.',
    uses: 'Nobody else: no remote use.',
    earns: 'Nothing.',
    rewardMultiplier: 0,
  },
  PrivateNetwork: {
    sees: 'Members of the networks you name, on that network’s ledger, which only members read.',
    uses: 'Only peers this node has admitted as members of those networks, with a lease.',
    earns: '0.5× the base reward.',
    rewardMultiplier: 0.5,
  },
  P2P: {
    sees: 'Only the peers you trust, by peer id, when they ask this node; it is never put on a ledger.',
    uses: 'Those peers, with a lease.',
    earns: '0.75× the base reward.',
    rewardMultiplier: 0.75,
  },
  PublicNetwork: {
    sees: 'Every peer of the networks you name: their members, and peers their ledger names.',
    uses: 'Any of those peers, with a lease, also while it is not connected as a member.',
    earns: '1× the base reward.',
    rewardMultiplier: 1,
  },
  FullPublic: {
    sees: 'Everyone: it is on the ledger, and listed to any peer that asks this node.',
    uses: 'Any peer, with a lease.',
    earns: '1.25× the base reward, the highest.',
    rewardMultiplier: 1.25,
  },
}

export const PROOF_KINDS = ['space', 'stake', 'work', 'time'] as const
export const ProofKind = z.enum(PROOF_KINDS)

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const Weekday = z.enum(WEEKDAYS)
export type Weekday = z.infer<typeof Weekday>

const ClockTime = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day is HH:MM, 00:00 to 23:59')

/** Sharing is allowed from `from` to `to` on each of `days` (local time); `to` before `from` runs overnight. */
export const TimeWindow = z
  .object({
    days: z.array(Weekday).min(1, 'a window needs at least one day').max(7),
    from: ClockTime,
    to: ClockTime,
  })
  .strict()
  .refine((w) => w.from !== w.to, 'a window that starts and ends at the same minute is empty')
  .refine((w) => new Set(w.days).size === w.days.length, 'a window names each day once')
export type TimeWindow = z.infer<typeof TimeWindow>

const Bytes = z.number().int('a size is a whole number of bytes').min(0).max(Number.MAX_SAFE_INTEGER)
const Mbps = z.number().min(0.1, 'a bandwidth cap is at least 0.1 Mbit/s').max(100_000).nullable()
const PriceText = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'a price is a whole number of CAESAR units')

/** A global proxy address (fd48:…, app/assets/proxy-address.ts), as text; the node checks it in full. */
export const ProxyAddressText = z
  .string()
  .max(64)
  .regex(/^fd48:[0-9a-f:]+$/i, 'a proxy address is IPv6-style text starting with fd48:')

export const SharingSettings = z
  .object({
    /** Offered to the network at all. */
    enabled: z.boolean(),
    /** Share of the resource offered: of all cores, of GPU time, of total memory, of free disk space. */
    allocationPercent: z.number().int('allocation is a whole percent').min(0).max(100),
    /** Leases that may run at once. */
    maxLeases: z.number().int().min(1, 'at least one lease at a time').max(64, 'at most 64 leases at a time'),
    /** When sharing is allowed; empty means at any time. */
    windows: z.array(TimeWindow).max(21, 'at most 21 time windows'),
    /** Only when the computer has been idle this many minutes (0: whether idle or not). */
    idleMinutes: z.number().int().min(0).max(240, 'idle time is at most 240 minutes'),
    /** Pause leased work as soon as someone uses the computer. */
    pauseWhenInUse: z.boolean(),
    /** Pause leased work above this temperature (CPU and GPU only); null: no temperature limit. */
    pauseAboveCelsius: z.number().min(40, 'a temperature limit is at least 40 °C').max(105).nullable(),
    /** Memory leased work may hold while the computer is in use, and while it is idle (memory only). */
    memoryInUseBytes: Bytes.nullable(),
    memoryIdleBytes: Bytes.nullable(),
    /** Most space leased data may take, and space always left free on the disk (storage only). */
    diskQuotaBytes: Bytes.nullable(),
    keepFreeBytes: Bytes,
    uploadMbps: Mbps,
    downloadMbps: Mbps,
    /** The lowest price accepted, CAESAR units per hour of the whole allocation. */
    minPricePerHour: PriceText,
    /** Proofs a lease request must carry. */
    requiredProofs: z.array(ProofKind).max(4),
    /** Whether the resource may be reached through other peers' proxies when there is no direct path. */
    relayThroughPeers: z.boolean(),
    privacy: PrivacyLevel,
    /** Networks for PrivateNetwork and PublicNetwork. */
    networks: z.array(NetworkIdText).max(32),
    /**
     * Peers for P2P, by peer id or by the proxy address of one of their assets: the node resolves an
     * address to its peer id before it keeps the settings, so what it keeps and answers are peer ids.
     */
    trustedPeers: z.array(z.union([PeerIdText, ProxyAddressText])).max(256),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = (path: string, message: string): void =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    if ((s.privacy === 'PrivateNetwork' || s.privacy === 'PublicNetwork') && s.networks.length === 0)
      problem('networks', `${s.privacy} needs at least one network to share with`)
    if (s.privacy === 'P2P' && s.trustedPeers.length === 0)
      problem('trustedPeers', 'P2P needs at least one trusted peer')
    if (new Set(s.requiredProofs).size !== s.requiredProofs.length)
      problem('requiredProofs', 'each proof is named once')
    if (s.memoryInUseBytes != null && s.memoryIdleBytes != null && s.memoryInUseBytes > s.memoryIdleBytes)
      problem('memoryInUseBytes', 'memory allowed while in use cannot be more than while idle')
  })
export type SharingSettings = z.infer<typeof SharingSettings>

export const SharingUpdate = z.object({ resource: ResourceKind, settings: SharingSettings }).strict()
export type SharingUpdate = z.infer<typeof SharingUpdate>

/** Why leased work may or may not run now. */
export const SharingActivity = z.object({
  active: z.boolean(),
  reason: z.string(),
})

/** A resource's terms, what the node enforces of them on this machine, and live use against the limits. */
export const ResourceSharingState = z.object({
  settings: SharingSettings,
  activity: SharingActivity,
  /** Limits the system enforces here, and those it cannot, each in words. */
  enforced: z.array(z.string()),
  notEnforced: z.array(z.string()),
  configured: z.object({
    cpuCores: z.number().nullable(),
    memoryBytes: z.number().nullable(),
    diskBytes: z.number().nullable(),
  }),
  measured: z.object({
    cpuCores: z.number().nullable(),
    memoryBytes: z.number().nullable(),
    diskBytes: z.number().nullable(),
  }),
})
export type ResourceSharingState = z.infer<typeof ResourceSharingState>

export const SharingState = z.object({
  limiter: z.object({
    kind: z.enum(['cgroup-v2', 'cgroup-v1', 'systemd-run', 'duty-cycle']).nullable(),
    strength: z.enum(['kernel', 'supervised']).nullable(),
    passedOver: z.array(z.object({ kind: z.string(), reason: z.string() })),
  }),
  resources: z.object({
    cpu: ResourceSharingState,
    gpu: ResourceSharingState,
    memory: ResourceSharingState,
    storage: ResourceSharingState,
  }),
})
export type SharingState = z.infer<typeof SharingState>

/** One of this node's assets, with its global proxy address. */
export const OwnAssetInfo = z.object({
  resource: ResourceKind,
  index: z.number().int().min(0),
  assetId: HashText,
  proxyAddress: z.string(),
  shared: z.boolean(),
  privacy: PrivacyLevel,
})
export type OwnAssetInfo = z.infer<typeof OwnAssetInfo>

/** How much of a resource a lease is for (bytes of memory or storage, thousandths of a core of CPU or GPU), and for how long. */
const LeaseAmount = z
  .object({
    resource: ResourceKind,
    amountBytes: z.number().int().min(4096, 'lease at least 4 KiB').max(Number.MAX_SAFE_INTEGER).optional(),
    millicores: z.number().int().min(1, 'lease at least a thousandth of a core').max(1_000_000).optional(),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60, 'a lease lasts at most 30 days'),
  })
  .strict()

function amountInItsUnit(r: z.infer<typeof LeaseAmount>, ctx: z.RefinementCtx): void {
  const bytes = r.resource === 'memory' || r.resource === 'storage'
  if (bytes && r.amountBytes == null)
    ctx.addIssue({
      code: 'custom',
      path: ['amountBytes'],
      message: `say how many bytes of ${r.resource} to lease`,
    })
  if (!bytes && r.millicores == null)
    ctx.addIssue({
      code: 'custom',
      path: ['millicores'],
      message: `say what share of the ${r.resource} to lease`,
    })
}

/**
 * What a peer asks an owner for (the holder is the asking peer). `renews`: the storage lease this one
 * replaces before it ends; the shards stored under it pass to the new lease, and the old one is revoked.
 * `fillId`: a fill on the exchange the asker bought from this owner; the lease delivers it (its id is the
 * fill's, and it is paid from the fill's escrow as its use is proven).
 */
export const LeaseAsk = LeaseAmount.extend({
  renews: HashText.optional(),
  fillId: HashText.optional(),
}).superRefine(amountInItsUnit)
export type LeaseAsk = z.infer<typeof LeaseAsk>

/**
 * A peer, named by its peer id, by a multiaddr that ends in /p2p/<peer id>, or by the proxy address of
 * one of its assets (resolved through the ledger's registered assets, then the peers this node knows).
 */
export const PeerRef = z.string().trim().min(1, 'name a peer').max(512)

/** A lease on one of this node's resources, signed by hand for `holder` (a peer id or a proxy address). */
export const LeaseIssueRequest = LeaseAmount.extend({
  holder: z.union([PeerIdText, ProxyAddressText], {
    error: 'the holder is a peer id, or the proxy address of one of its assets',
  }),
}).superRefine(amountInItsUnit)
export type LeaseIssueRequest = z.infer<typeof LeaseIssueRequest>

export const IssuedLease = z.object({
  /** The signed lease as JSON text, for the holder to present. */
  lease: z.string(),
  expiresAt: z.number(),
  proxyAddress: z.string(),
})
export type IssuedLease = z.infer<typeof IssuedLease>

export const AssetRegisterRequest = z
  .object({ resource: ResourceKind, index: z.number().int().min(0).max(4095).default(0) })
  .strict()
export type AssetRegisterRequest = z.input<typeof AssetRegisterRequest>

export const AssetRegisterReceipt = z.object({
  assetId: z.string(),
  txId: z.string(),
  nonce: z.number().int().min(0),
})
export type AssetRegisterReceipt = z.infer<typeof AssetRegisterReceipt>

/** An asset as this node found it: registered on its network's ledger, or listed by its owner when asked. */
export const DiscoveredAsset = z.object({
  assetId: z.string(),
  /** The owner's ledger account, and the peer that serves the asset. */
  owner: z.string(),
  peerId: z.string(),
  resource: ResourceKind,
  /** Bytes for memory and storage, thousandths of a core for CPU and GPU. */
  capacity: z.string(),
  privacy: PrivacyLevel,
  /** The height it was registered at; null when it is not on this node's ledger (listed by its owner). */
  registeredAt: z.number().int().nullable(),
  /** Null when the asset id is not one this version derives (another implementation's). */
  proxyAddress: z.string().nullable(),
  isOwn: z.boolean(),
  /** Where it was found: this network's ledger, or the owner's own listing (`assets.discover` with `from`). */
  source: z.enum(['ledger', 'owner']),
})
export type DiscoveredAsset = z.infer<typeof DiscoveredAsset>

/** Without `from`: the assets on this network's ledger. With it: what that peer lists to this node. */
export const DiscoverRequest = z.object({ from: PeerRef.optional() }).strict()
export type DiscoverRequest = z.infer<typeof DiscoverRequest>

/** A proxy address, resolved: the asset it names and the peer that serves it. */
export const ResolvedProxyAddress = z.object({
  proxyAddress: z.string(),
  peerId: z.string(),
  resource: ResourceKind,
  index: z.number().int(),
  /** The asset's id on this node's network; null when the address was made on another network. */
  assetId: z.string().nullable(),
  /** Whether the asset is registered on this node's ledger (else it was resolved to a peer this node knows). */
  registered: z.boolean(),
})
export type ResolvedProxyAddress = z.infer<typeof ResolvedProxyAddress>

/** Try a lease from this node: reach its owner, write and read back a probe through the proxy. */
export const LeaseProbeRequest = z
  .object({
    /** The signed lease as JSON text (as `assets.issueLease` gives it). */
    lease: z.string().max(16 * 1024),
    /**
     * Where to reach the owner, where this node is not connected to it already: a multiaddr, or the
     * proxy address of the leased asset (it must name the lease's owner).
     */
    address: z.string().max(512).optional(),
  })
  .strict()
export type LeaseProbeRequest = z.infer<typeof LeaseProbeRequest>

export const LeaseProbeResult = z.object({
  resource: ResourceKind,
  /** Bytes written and read back (memory, storage); 0 for CPU and GPU. */
  bytes: z.number().int(),
  ms: z.number(),
  /** CPU and GPU: the share the owner reserved while the lease was held, and how it would enforce it. */
  reservedMillicores: z.number().int().optional(),
  enforcement: z.string().optional(),
})
export type LeaseProbeResult = z.infer<typeof LeaseProbeResult>

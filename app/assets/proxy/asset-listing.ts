/**
 * `/hypermesh/assets/list/1.0.0`: a peer asks a node what it offers, and the node lists the assets whose
 * privacy level shows them to that peer (the peer id STOQ authenticated): how P2P assets are seen by the
 * peers trusted with them, and FullPublic ones by anyone, since neither reaches them through a ledger they
 * read. Any peer may ask; the answer is built from memory, bounded, and a peer that asks too often is
 * refused until its window passes.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, Libp2p } from '@libp2p/interface'
import { LRUCache } from 'lru-cache'
import type { Logger } from 'pino'
import { z } from 'zod'
import { PrivacyLevel, ProxyAddressText, ResourceKind } from '../../../shared/sharing-schemas'
import { encodeJson, MAX_HEADER_BYTES, parseHeader, ProxyRefusal } from './leased-stream'

export const ASSET_LISTING_PROTOCOL = '/hypermesh/assets/list/1.0.0'
/** A node has one CPU, one memory, one disk and a few GPUs: 32 assets listed is far more than any has. */
const MAX_LISTED = 32
/** Listings one peer may ask for per window. */
export const LISTINGS_PER_WINDOW = 10
const WINDOW_MS = 10_000

export const ListedAsset = z
  .object({
    assetId: z.string().regex(/^[0-9a-f]{64}$/),
    resource: ResourceKind,
    index: z.number().int().min(0).max(4095),
    proxyAddress: ProxyAddressText,
    /** Bytes for memory and storage, thousandths of a core for CPU and GPU. */
    capacity: z.string().regex(/^(0|[1-9][0-9]{0,29})$/),
    privacy: PrivacyLevel,
    /** The height it was registered at on the owner's network, or null. */
    registeredAt: z.number().int().min(0).nullable(),
  })
  .strict()
export type ListedAsset = z.infer<typeof ListedAsset>

export const AssetListing = z
  .object({
    ok: z.literal(true),
    /** The owner's ledger account. */
    owner: z.string().max(128),
    networkId: z.string().regex(/^[0-9a-f]{64}$/),
    assets: z.array(ListedAsset).max(MAX_LISTED),
  })
  .strict()
export type AssetListing = z.infer<typeof AssetListing>

export interface ListingSource {
  /** What `peer` may see of this node's assets. */
  listFor(peer: string): Promise<Omit<AssetListing, 'ok'>>
}

export class AssetListingServer {
  /** Per peer: when its window opened, and how many listings it asked for in it. */
  private readonly asked = new LRUCache<string, { since: number; count: number }>({ max: 4096 })
  private refusedSinceLog = 0
  private logTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly libp2p: Libp2p,
    private readonly source: ListingSource,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.libp2p.handle(
      ASSET_LISTING_PROTOCOL,
      async (stream, connection) => {
        const peer = connection.remotePeer.toString()
        const lp = lpStream(stream, { maxDataLength: 1024 })
        try {
          if (!this.allow(peer)) {
            await lp.write(encodeJson({ ok: false, code: 'busy', message: 'too many listings asked; wait' }))
          } else {
            const listing = await this.source.listFor(peer)
            await lp.write(encodeJson({ ok: true, ...listing, assets: listing.assets.slice(0, MAX_LISTED) }))
          }
          await stream.close()
        } catch (err) {
          this.log.debug({ err, peer }, 'an asset listing stream failed')
          stream.abort(err as Error)
        }
      },
      { maxInboundStreams: 4, runOnLimitedConnection: true },
    )
  }

  async stop(): Promise<void> {
    if (this.logTimer != null) clearTimeout(this.logTimer)
    this.logTimer = null
    await Promise.resolve(this.libp2p.unhandle(ASSET_LISTING_PROTOCOL)).catch(() => {})
  }

  /** Counts one listing for `peer`; false once it has asked LISTINGS_PER_WINDOW times this window. */
  private allow(peer: string): boolean {
    const now = Date.now()
    const entry = this.asked.get(peer)
    if (entry == null || now - entry.since >= WINDOW_MS) {
      this.asked.set(peer, { since: now, count: 1 })
      return true
    }
    entry.count++
    if (entry.count <= LISTINGS_PER_WINDOW) return true
    // One line per window for all refusals, not one per request.
    if (this.refusedSinceLog++ === 0)
      this.logTimer = setTimeout(() => {
        this.logTimer = null
        this.log.info(
          { refused: this.refusedSinceLog },
          'refused asset listings to peers that asked too often',
        )
        this.refusedSinceLog = 0
      }, WINDOW_MS)
    return false
  }
}

/** Asks the node at the other end of `connection` what it shows this node; a refusal throws ProxyRefusal. */
export async function askListing(connection: Connection): Promise<AssetListing> {
  const stream = await connection.newStream(ASSET_LISTING_PROTOCOL, {
    signal: AbortSignal.timeout(10_000),
    runOnLimitedConnection: true,
  })
  const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
  try {
    const frame = (await lp.read({ signal: AbortSignal.timeout(10_000) })).subarray()
    const listing = parseHeader(frame, AssetListing)
    if (listing != null) return listing
    const refusal = parseHeader(frame, Refusal)
    if (refusal != null) throw new ProxyRefusal(refusal.code, refusal.message)
    throw new ProxyRefusal('malformed', 'the peer answered with something that is not an asset listing')
  } finally {
    await stream.close().catch(() => {})
  }
}

const Refusal = z
  .object({ ok: z.literal(false), code: z.string().max(64), message: z.string().max(512) })
  .strict()

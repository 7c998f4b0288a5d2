/** What the leased-proxy tests share: STOQ nodes on loopback, and an owner's lease book in a fresh database. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { PrivateKey } from '@libp2p/interface'
import { createLibp2p, type Libp2p } from 'libp2p'
import { LeaseBook } from '../../app/assets/leases/lease-book'
import { databasePath, openDatabase } from '../../app/node/storage/database'
import { stoqTransportProfile } from '../../app/stoq'

type FalconKeys = { publicKey: Uint8Array; secretKey: Uint8Array }

/** A STOQ libp2p node with this FALCON key (and identity key, if given), listening on loopback TCP only. */
export const loopbackNode = (falcon: FalconKeys, privateKey?: PrivateKey): Promise<Libp2p> =>
  createLibp2p({
    ...stoqTransportProfile({ falcon, quic: false, webrtcDirect: false }).libp2pOptions(),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    ...(privateKey == null ? {} : { privateKey }),
  })

/** The lease book of `owner` for `networkId`, in a new database (close `db` when done). */
export function ownerLeaseBook(
  owner: Libp2p,
  falcon: FalconKeys,
  networkId: string,
  now?: () => number,
): { db: DatabaseSync; book: LeaseBook } {
  const db = openDatabase(databasePath(mkdtempSync(join(tmpdir(), 'hm-lease-owner-'))))
  return { db, book: new LeaseBook(db, { peerId: owner.peerId.toString(), falcon, networkId }, now) }
}

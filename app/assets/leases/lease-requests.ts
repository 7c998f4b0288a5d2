/**
 * `/hypermesh/lease/request/1.0.0`: a peer asks an owner for a lease, and the owner signs one for it (the
 * authenticated peer on the connection is the holder) or says why not. The owner grants under the same
 * rules as a lease it issues by hand: the privacy level must admit the peer and the asset must offer the
 * amount; and since there is no market to pay through yet, it grants only where its minimum price is 0.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { LeaseAsk } from '../../../shared/sharing-schemas'
import { encodeJson, MAX_HEADER_BYTES, parseHeader, ProxyRefusal, readAnswer } from '../proxy/leased-stream'
import { MAX_LEASE_BYTES, SignedLease } from './lease'

export const LEASE_REQUEST_PROTOCOL = '/hypermesh/lease/request/1.0.0'

export class LeaseRequestServer {
  constructor(
    private readonly libp2p: Libp2p,
    /** Signs a lease for `peer`, or throws an error whose message says why not. */
    private readonly grant: (peer: string, ask: LeaseAsk) => SignedLease,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.libp2p.handle(
      LEASE_REQUEST_PROTOCOL,
      async (stream, connection) => {
        const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
        const peer = connection.remotePeer.toString()
        try {
          const ask = parseHeader((await lp.read()).subarray(), LeaseAsk)
          if (ask == null) {
            await lp.write(encodeJson({ ok: false, code: 'malformed', message: 'not a lease request' }))
          } else {
            try {
              await lp.write(encodeJson({ ok: true, lease: this.grant(peer, ask) }))
            } catch (err) {
              await lp.write(encodeJson({ ok: false, code: 'refused', message: (err as Error).message }))
            }
          }
          await stream.close()
        } catch (err) {
          this.log.debug({ err, peer }, 'a lease request stream failed')
          stream.abort(err as Error)
        }
      },
      { maxInboundStreams: 8, runOnLimitedConnection: true },
    )
  }

  async stop(): Promise<void> {
    await Promise.resolve(this.libp2p.unhandle(LEASE_REQUEST_PROTOCOL)).catch(() => {})
  }
}

/** Asks the owner at the other end of `connection` for a lease; a refusal throws ProxyRefusal with why. */
export async function requestLease(connection: Connection, ask: LeaseAsk): Promise<SignedLease> {
  const stream = await connection.newStream(LEASE_REQUEST_PROTOCOL, {
    signal: AbortSignal.timeout(10_000),
    runOnLimitedConnection: true,
  })
  const lp = lpStream(stream, { maxDataLength: MAX_LEASE_BYTES + 1024 })
  try {
    await lp.write(encodeJson(LeaseAsk.parse(ask)))
    const answer = await readAnswer(lp)
    const lease = SignedLease.safeParse(answer.lease)
    if (!lease.success) throw new ProxyRefusal('malformed', 'the owner answered without a lease')
    return lease.data
  } finally {
    await stream.close().catch(() => {})
  }
}

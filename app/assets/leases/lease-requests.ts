/**
 * `/hypermesh/lease/request/1.0.0`: a peer asks an owner for a lease, and the owner signs one for it (the
 * authenticated peer on the connection is the holder) or says why not. The owner grants under the same
 * rules as a lease it issues by hand: the privacy level must admit the peer and the asset must offer the
 * amount; and since there is no market to pay through yet, it grants only where its minimum price is 0.
 * Where its terms require proofs of a lease (`requiredProofs`), it first sends a fresh challenge, and the
 * asker answers with those proofs (lease-proofs.ts) on the same stream. The request must come within the
 * stream deadlines' openMs, and the proofs within PROOF_ANSWER_MS of the challenge.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { LeaseAsk } from '../../../shared/sharing-schemas'
import { MAX_LEASE_BYTES, SignedLease, type ProofParams } from '../../consensus'
import { z } from 'zod'
import { encodeJson, MAX_HEADER_BYTES, parseAnswer, parseHeader, ProxyRefusal } from '../proxy/leased-stream'
import { isRelayed } from '../proxy/relay-choice'
import { STREAM_DEADLINES, withDeadline, type StreamDeadlines } from '../../stoq'
import {
  leaseProofsRefusal,
  LeaseProofs,
  newChallenge,
  ProofChallenge,
  type LedgerView,
} from './lease-proofs'

export const LEASE_REQUEST_PROTOCOL = '/hypermesh/lease/request/1.0.0'
/** How long an asker has to answer the owner's challenge: the proofs take it a fraction of a second by default. */
export const PROOF_ANSWER_MS = 60_000

export interface LeaseGrantor {
  /** Signs a lease for `peer` (asking over a relayed connection or not), or throws an error saying why not. */
  grant(peer: string, ask: LeaseAsk, via: { relayed: boolean }): SignedLease
  /** The proofs the owner's terms require of a lease on this resource. */
  requiredProofs(ask: LeaseAsk): ProofChallenge['need']
  proofParams(): Pick<ProofParams, 'workDifficultyBits' | 'vdfSquarings'>
  ledger: LedgerView
}

export class LeaseRequestServer {
  constructor(
    private readonly libp2p: Libp2p,
    private readonly grantor: LeaseGrantor,
    private readonly log: Logger,
    private readonly deadlines: StreamDeadlines = STREAM_DEADLINES,
    private readonly proofAnswerMs = PROOF_ANSWER_MS,
  ) {}

  async start(): Promise<void> {
    await this.libp2p.handle(
      LEASE_REQUEST_PROTOCOL,
      async (stream, connection) => {
        const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
        const peer = connection.remotePeer.toString()
        const { openMs, frameMs } = this.deadlines
        const read = (ms: number, what: string) => withDeadline(ms, what, (signal) => lp.read({ signal }))
        const send = (value: unknown) =>
          withDeadline(frameMs, 'taking up the answer', (signal) => lp.write(encodeJson(value), { signal }))
        const refuse = (code: string, message: string) => send({ ok: false, code, message })
        try {
          const ask = parseHeader((await read(openMs, 'the lease request')).subarray(), LeaseAsk)
          if (ask == null)
            return void (await refuse('malformed', 'not a lease request'), await stream.close())
          const need = this.grantor.requiredProofs(ask)
          if (need.length > 0) {
            const asked = newChallenge(need, this.grantor.proofParams())
            await send({ ok: false, code: 'prove', message: `prove ${need.join(', ')}`, ...asked })
            const proofs = await read(this.proofAnswerMs, 'the answer to the challenge')
            const answer = parseHeader(proofs.subarray(), LeaseProofs)
            const refusal =
              answer == null
                ? 'not an answer to the challenge'
                : leaseProofsRefusal(asked, answer, peer, this.grantor.ledger)
            if (refusal != null) return void (await refuse('proofs-refused', refusal), await stream.close())
          }
          try {
            await send({ ok: true, lease: this.grantor.grant(peer, ask, { relayed: isRelayed(connection) }) })
          } catch (err) {
            await refuse('refused', (err as Error).message)
          }
          await stream.close()
        } catch (err) {
          // A deadline passed, or the stream failed: any peer can cause either, so not worth more.
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

/**
 * Asks the owner at the other end of `connection` for a lease, answering its challenge with `prove` where
 * its terms require proofs; a refusal throws ProxyRefusal with why.
 */
export async function requestLease(
  connection: Connection,
  ask: LeaseAsk,
  prove?: (asked: ProofChallenge) => LeaseProofs,
): Promise<SignedLease> {
  const stream = await connection.newStream(LEASE_REQUEST_PROTOCOL, {
    signal: AbortSignal.timeout(30_000),
    runOnLimitedConnection: true,
  })
  const lp = lpStream(stream, { maxDataLength: MAX_LEASE_BYTES + 1024 })
  try {
    await lp.write(encodeJson(LeaseAsk.parse(ask)))
    let frame = (await lp.read()).subarray()
    const asked = parseHeader(frame, ProveRequest)
    if (asked != null) {
      if (prove == null)
        throw new ProxyRefusal('proofs-required', `the owner requires ${asked.need.join(', ')}`)
      const { challenge, need, params } = asked
      await lp.write(encodeJson(prove({ challenge, need, params })))
      frame = (await lp.read()).subarray()
    }
    const lease = SignedLease.safeParse(parseAnswer(frame).lease)
    if (!lease.success) throw new ProxyRefusal('malformed', 'the owner answered without a lease')
    return lease.data
  } finally {
    await stream.close().catch(() => {})
  }
}

/** The owner's challenge: the refusal frame `prove`, carrying what to prove and with which parameters. */
export const ProveRequest = z
  .object({ ok: z.literal(false), code: z.literal('prove'), message: z.string(), ...ProofChallenge.shape })
  .strict()

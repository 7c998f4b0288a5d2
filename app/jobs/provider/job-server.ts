/**
 * The provider's side of `/hypermesh/jobs/1.0.0`: any peer may open it, so the server bounds what a
 * stream may hold (runs at once, frame sizes, a deadline on every read and write), checks an offer
 * cheapest first (offer-checks.ts), takes exactly the code and input the spec's hashes name, runs the job
 * in the sandbox inside the leased-work group, and answers with its signed work receipt and output.
 */
import { createHash } from 'node:crypto'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { DeadlineError, PeerBudget, STREAM_DEADLINES, withDeadline } from '../../stoq'
import {
  addressOf,
  canonicalBytes,
  falcon1024Scheme,
  RECORDS_VERSION,
  signWorkReceipt,
  type JobSpec,
} from '../../consensus'
import { JOB_RUNTIME_INFO } from '../../../shared/jobs-schemas'
import type { JobStore } from '../job-store'
import type { JobsServiceParts } from '../ports'
import {
  encodeJson,
  JOBS_PROTOCOL,
  JobRefusal,
  MAX_DATA_FRAME_BYTES,
  MAX_LOG_BYTES,
  OfferMessage,
  parseHeader,
  QuoteRequest,
} from '../protocol/messages'
import { checkOffer, quoteFor, type OfferContext } from './offer-checks'
import type { JobEngine, SandboxOutcome } from './run-port'

type Lp = LengthPrefixedStream<Stream>

/** Streams one connection may hold open on this protocol at once. */
const MAX_STREAMS_PER_CONNECTION = 4
/** Job offers one peer may make a minute: a submitter asks each provider once per job. */
export const OFFERS_PER_PEER_PER_MINUTE = 30

export const jobSeed = (spec: Pick<JobSpec, 'jobId' | 'inputHash'>): Uint8Array =>
  createHash('sha256').update(`hypermesh/job-seed/v1\0${spec.jobId}\0${spec.inputHash}`).digest()

export class JobServer {
  private readonly streams = new Set<Stream>()
  private readonly offers = new PeerBudget(OFFERS_PER_PEER_PER_MINUTE)
  private running = 0

  constructor(
    private readonly parts: JobsServiceParts,
    private readonly engine: JobEngine,
    private readonly store: JobStore,
  ) {}

  async start(): Promise<void> {
    await this.parts.libp2p.handle(
      JOBS_PROTOCOL,
      (stream, connection) => void this.serve(stream, connection),
      {
        maxInboundStreams: MAX_STREAMS_PER_CONNECTION,
        runOnLimitedConnection: true,
      },
    )
  }

  async stop(): Promise<void> {
    await Promise.resolve(this.parts.libp2p.unhandle(JOBS_PROTOCOL)).catch(() => {})
    for (const stream of this.streams) stream.abort(new Error('the jobs service stopped'))
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    const peer = connection.remotePeer.toString()
    const lp = lpStream(stream, { maxDataLength: MAX_DATA_FRAME_BYTES })
    this.streams.add(stream)
    let counted = false
    try {
      // Cheapest first: whether this node takes any job now, and from this peer, before reading a byte.
      const { provider } = this.parts
      if (!this.offers.take(peer, (this.parts.now ?? Date.now)()))
        throw new JobRefusal('busy', 'too many job offers from this peer; try again in a minute')
      this.refuseIfFull()
      if (provider.group() == null)
        throw new JobRefusal('unsupported', 'this node has no way to limit leased work')
      const refusal = provider.refusalFor(peer)
      if (refusal != null) throw new JobRefusal('not-allowed', refusal)
      const frame = await withDeadline(STREAM_DEADLINES.openMs, 'the job offer', (signal) =>
        lp.read({ signal }),
      )
      const quote = parseHeader(frame.subarray(), QuoteRequest)
      if (quote != null) {
        await this.answerQuote(lp, frame.subarray(), quote, peer)
        await stream.close()
        return
      }
      const spec = this.acceptOffer(frame.subarray(), peer)
      // A run slot is taken only for an offer that holds (signed, escrowed): a stream that says nothing
      // holds none.
      this.refuseIfFull()
      this.running++
      counted = true
      const price = provider.pricePerCoreHour(JOB_RUNTIME_INFO[spec.runtime].resource)
      await write(lp, encodeJson({ ok: true, pricePerCoreHour: price.toString() }))
      const code = await readExactly(lp, spec.codeBytes, spec.codeHash, 'code')
      const input = await readExactly(lp, spec.inputBytes, spec.inputHash, 'input')
      await write(lp, encodeJson({ type: 'running' }))
      await this.runAndAnswer(lp, stream, { spec, code, input, peer, price })
      await stream.close()
    } catch (err) {
      await this.endWith(stream, lp, peer, err)
    } finally {
      if (counted) this.running--
      this.streams.delete(stream)
    }
  }

  private refuseIfFull(): void {
    const most = this.parts.provider.maxConcurrent()
    if (this.running >= most)
      throw new JobRefusal('busy', `this node runs ${this.running} jobs, the most its terms allow (${most})`)
  }

  private offerContext(peer: string): OfferContext {
    return {
      peer,
      networkId: this.parts.activeNetworkId(),
      now: (this.parts.now ?? Date.now)(),
      terms: this.parts.provider,
      ledger: this.parts.ledger(),
      runtimeRefusal: (runtime) => this.engine.refusalFor(runtime),
    }
  }

  /** What this node would ask for a job of the runtime named, to a peer that may use it. */
  private async answerQuote(lp: Lp, bytes: Uint8Array, quote: QuoteRequest, peer: string): Promise<void> {
    if (!equalBytes(canonicalBytes(quote), bytes))
      throw new JobRefusal('malformed', 'a quote request is sent as canonical JSON (RFC 8785)')
    const terms = quoteFor(quote.runtime, this.offerContext(peer))
    await write(
      lp,
      encodeJson({
        ok: true,
        pricePerCoreHour: terms.pricePerCoreHour.toString(),
        offerMillicores: terms.offerMillicores.toString(),
        privacy: terms.privacy,
      }),
    )
  }

  private acceptOffer(bytes: Uint8Array, peer: string): JobSpec {
    const offer = parseHeader(bytes, OfferMessage)
    if (offer == null)
      throw new JobRefusal('malformed', 'open the stream with a job offer or a quote request')
    // One spelling only: the offer's bytes must be its canonical JSON (sorted keys, no spaces).
    if (!equalBytes(canonicalBytes(offer), bytes))
      throw new JobRefusal('malformed', 'a job offer is sent as canonical JSON (RFC 8785)')
    return checkOffer(offer.job, this.offerContext(peer))
  }

  private async runAndAnswer(
    lp: Lp,
    stream: Stream,
    job: { spec: JobSpec; code: Uint8Array; input: Uint8Array; peer: string; price: bigint },
  ): Promise<void> {
    const { spec } = job
    const networkId = this.parts.activeNetworkId()
    const startsAt = (this.parts.now ?? Date.now)()
    const record = {
      jobId: spec.jobId,
      submitterPeer: job.peer,
      runtime: spec.runtime,
      pricePerCoreHour: job.price.toString(),
      startedAt: startsAt,
    }
    this.store.saveProvided(networkId, {
      ...record,
      status: null,
      outcome: 'running',
      cpuMillis: null,
      earned: null,
      endedAt: null,
    })
    const outcome = await this.run(job, lp, stream)
    const endsAt = Math.max(startsAt, (this.parts.now ?? Date.now)())
    const receipt = signWorkReceipt(
      {
        v: RECORDS_VERSION,
        networkId,
        jobId: spec.jobId,
        provider: this.parts.peerId,
        providerAccount: addressOf(falcon1024Scheme, this.parts.falcon.publicKey),
        runtime: spec.runtime,
        status: outcome.status,
        outputHash: outcome.outputHash,
        outputBytes: outcome.output.length,
        cpuMillis: outcome.cpuMillis,
        pricePerCoreHour: job.price.toString(),
        startsAt,
        endsAt,
      },
      this.parts.falcon,
    )
    this.store.saveProvided(networkId, {
      ...record,
      status: outcome.status,
      outcome: 'returned',
      cpuMillis: outcome.cpuMillis,
      earned: null,
      endedAt: endsAt,
    })
    await write(lp, encodeJson({ type: 'result', receipt }))
    for (let offset = 0; offset < outcome.output.length; offset += MAX_DATA_FRAME_BYTES)
      await write(lp, outcome.output.subarray(offset, offset + MAX_DATA_FRAME_BYTES))
  }

  /** Runs the job; its log goes to the submitter as it comes, at most MAX_LOG_BYTES in all. */
  private async run(
    job: { spec: JobSpec; code: Uint8Array; input: Uint8Array },
    lp: Lp,
    stream: Stream,
  ): Promise<SandboxOutcome> {
    const group = this.parts.provider.group()
    if (group == null) throw new JobRefusal('unsupported', 'this node has no way to limit leased work')
    const { spec } = job
    let logBudget = MAX_LOG_BYTES
    let logs = Promise.resolve()
    const controller = new AbortController()
    // The submitter going away ends the run: nobody would take its result.
    const onClose = (): void => controller.abort(new Error('the submitter closed the stream'))
    stream.addEventListener('close', onClose, { once: true })
    try {
      const outcome = await this.engine.run(
        {
          runtime: spec.runtime,
          code: job.code,
          input: job.input,
          args: spec.args,
          limits: spec.limits,
          grants: spec.grants,
          startTimeMs: spec.createdAt,
          seed: jobSeed(spec),
        },
        group,
        {
          signal: controller.signal,
          onLog: (text) => {
            if (logBudget <= 0) return
            const piece = text.slice(0, logBudget)
            logBudget -= piece.length
            logs = logs.then(() => write(lp, encodeJson({ type: 'log', text: piece }))).catch(() => {})
          },
        },
      )
      await logs
      return outcome
    } finally {
      stream.removeEventListener('close', onClose)
    }
  }

  private async endWith(stream: Stream, lp: Lp, peer: string, err: unknown): Promise<void> {
    if (err instanceof JobRefusal) {
      // Any peer can cause a refusal: a line each is debug, so that a stranger cannot fill the log.
      this.parts.log.debug({ peer, code: err.code }, `refused a job: ${err.message}`)
      await write(lp, encodeJson({ ok: false, code: err.code, message: err.message })).catch(() => {})
      await stream.close().catch(() => {})
      return
    }
    if (stream.status === 'open') {
      if (err instanceof DeadlineError) this.parts.log.debug({ peer }, err.message)
      else this.parts.log.warn({ err, peer }, 'job stream failed')
      stream.abort(err as Error)
    }
  }
}

const write = (lp: Lp, bytes: Uint8Array): Promise<void> =>
  withDeadline(STREAM_DEADLINES.frameMs, 'sending to the peer', (signal) => lp.write(bytes, { signal }))

/**
 * Reads exactly `size` bytes in data frames and checks their SHA-256 against `hash`. Memory grows with
 * what arrives, not with what the spec claims.
 */
export async function readExactly(lp: Lp, size: number, hash: string, what: string): Promise<Uint8Array> {
  const frames: Uint8Array[] = []
  const digest = createHash('sha256')
  let received = 0
  while (received < size) {
    const frame = await withDeadline(STREAM_DEADLINES.frameMs, `the job's ${what}`, (signal) =>
      lp.read({ signal }),
    )
    if (received + frame.byteLength > size)
      throw new JobRefusal('bad-data', `more ${what} arrived than the ${size} bytes the spec names`)
    const bytes = frame.subarray()
    frames.push(bytes)
    digest.update(bytes)
    received += bytes.byteLength
  }
  if (digest.digest('hex') !== hash)
    throw new JobRefusal('bad-data', `the ${what} does not match the hash the spec names`)
  return frames.length === 1 ? frames[0]! : Buffer.concat(frames)
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

/**
 * The submitter's side of `/hypermesh/jobs/1.0.0` with one provider: offers the signed spec, sends the
 * code and input once it is accepted, follows the run's log, and takes the result only when its receipt
 * holds (signed by the provider's account key, for this job, at an accepted price, CPU time within what
 * the limits allow) and the output matches the receipt's hash.
 */
import { createHash } from 'node:crypto'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import {
  canonicalBytes,
  workReceiptRefusal,
  type JobSpec,
  type SignedJobSpec,
  type SignedWorkReceipt,
} from '../../consensus'
import {
  Accepted,
  JOBS_PROTOCOL,
  JobRefusal,
  MAX_DATA_FRAME_BYTES,
  MAX_HEADER_BYTES,
  ProviderMessage,
  parseHeader,
  QuoteMessage,
  Refusal,
} from '../protocol/messages'
import type { JobQuote } from '../provider/offer-checks'

type Lp = LengthPrefixedStream<Stream>

/** Slack on the CPU time a receipt may report beyond share × wall time: measurement granularity. */
const CPU_SLACK_MS = 500

export interface ProviderResult {
  receipt: SignedWorkReceipt
  output: Uint8Array
}

export interface RunCallbacks {
  accepted(pricePerCoreHour: string): void
  running(): void
  log(text: string): void
  signal: AbortSignal
  addressOfKey(key: string): string | null
}

export async function runOnProvider(
  connection: Connection,
  job: { signed: SignedJobSpec; code: Uint8Array; input: Uint8Array },
  callbacks: RunCallbacks,
): Promise<ProviderResult> {
  const { spec } = job.signed
  const stream = await connection.newStream(JOBS_PROTOCOL, {
    signal: AbortSignal.any([callbacks.signal, AbortSignal.timeout(10_000)]),
    runOnLimitedConnection: true,
  })
  const lp = lpStream(stream, { maxDataLength: MAX_DATA_FRAME_BYTES })
  const abort = (): void => stream.abort(new Error('the job was cancelled'))
  callbacks.signal.addEventListener('abort', abort, { once: true })
  try {
    await lp.write(canonicalBytes({ type: 'offer', job: job.signed }))
    const answer = await lp.read({ signal: callbacks.signal })
    const accepted = parseHeader(answer.subarray(), Accepted)
    if (accepted == null) throw refusalOf(answer.subarray())
    callbacks.accepted(accepted.pricePerCoreHour)
    for (const data of [job.code, job.input])
      for (let offset = 0; offset < data.length; offset += MAX_DATA_FRAME_BYTES)
        await lp.write(data.subarray(offset, offset + MAX_DATA_FRAME_BYTES), { signal: callbacks.signal })
    const receipt = await followRun(lp, callbacks)
    const output = await readOutput(lp, receipt.receipt.outputBytes, callbacks.signal)
    const problem = receiptProblem(receipt, output, spec, connection.remotePeer.toString(), callbacks)
    if (problem != null) throw new JobRefusal('bad-receipt', problem)
    await stream.close().catch(() => {})
    return { receipt, output }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  } finally {
    callbacks.signal.removeEventListener('abort', abort)
  }
}

/** Asks a provider what it would ask for a job of `runtime`: its price, share and privacy level. */
export async function askQuote(
  connection: Connection,
  runtime: JobSpec['runtime'],
  signal: AbortSignal,
): Promise<JobQuote> {
  const stream = await connection.newStream(JOBS_PROTOCOL, { signal, runOnLimitedConnection: true })
  const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
  try {
    await lp.write(canonicalBytes({ type: 'quote', runtime }), { signal })
    const answer = (await lp.read({ signal })).subarray()
    const quote = parseHeader(answer, QuoteMessage)
    if (quote == null) throw refusalOf(answer)
    await stream.close().catch(() => {})
    return {
      pricePerCoreHour: BigInt(quote.pricePerCoreHour),
      offerMillicores: BigInt(quote.offerMillicores),
      privacy: quote.privacy,
    }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

function refusalOf(bytes: Uint8Array): JobRefusal {
  const refusal = parseHeader(bytes, Refusal)
  return refusal == null
    ? new JobRefusal('malformed', 'the provider answered with something that is not a job answer')
    : new JobRefusal(refusal.code, refusal.message)
}

/** Reads the provider's messages until its result: `running`, then log lines, then the receipt. */
async function followRun(lp: Lp, callbacks: RunCallbacks): Promise<SignedWorkReceipt> {
  for (;;) {
    const frame = await lp.read({ signal: callbacks.signal })
    const message = parseHeader(frame.subarray(), ProviderMessage)
    if (message == null)
      throw new JobRefusal('malformed', 'the provider sent something that is not a job message')
    if ('ok' in message) throw new JobRefusal(message.code, message.message)
    if (message.type === 'running') callbacks.running()
    else if (message.type === 'log') callbacks.log(message.text)
    else return message.receipt
  }
}

async function readOutput(lp: Lp, size: number, signal: AbortSignal): Promise<Uint8Array> {
  const output = new Uint8Array(size)
  let received = 0
  while (received < size) {
    const frame = await lp.read({ signal })
    if (received + frame.byteLength > size)
      throw new JobRefusal('bad-receipt', 'the provider sent more output than its receipt names')
    output.set(frame.subarray(), received)
    received += frame.byteLength
  }
  return output
}

/** Why a provider's receipt and output do not stand for this job, or null when they do. */
export function receiptProblem(
  signed: SignedWorkReceipt,
  output: Uint8Array,
  spec: JobSpec,
  provider: string,
  ctx: Pick<RunCallbacks, 'addressOfKey'>,
): string | null {
  const { receipt } = signed
  if (receipt.provider !== provider) return 'the receipt names another provider'
  if (receipt.runtime !== spec.runtime) return 'the receipt names another runtime'
  if (BigInt(receipt.pricePerCoreHour) > BigInt(spec.maxPricePerCoreHour))
    return `the receipt asks ${receipt.pricePerCoreHour} per core-hour, above the job's ${spec.maxPricePerCoreHour}`
  if (receipt.outputBytes > spec.limits.outputBytes) return 'the output is larger than the job allows'
  const ranMs = Math.min(receipt.endsAt - receipt.startsAt, spec.limits.wallMs + 5_000)
  const mostCpu = Math.ceil((spec.limits.millicores * ranMs) / 1000) + CPU_SLACK_MS
  if (receipt.cpuMillis > mostCpu)
    return `the receipt reports ${receipt.cpuMillis} ms of CPU; the job's share allows at most ${mostCpu}`
  if (createHash('sha256').update(output).digest('hex') !== receipt.outputHash)
    return 'the output does not match the hash in the receipt'
  return workReceiptRefusal(signed, {
    networkId: spec.networkId,
    jobId: spec.jobId,
    addressOfKey: ctx.addressOfKey,
  })
}

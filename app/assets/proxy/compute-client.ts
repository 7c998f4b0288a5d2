/**
 * The holder's side of a CPU or GPU lease: opening the stream reserves the leased share on the owner;
 * `status` says what is held; closing releases it (after a last usage receipt, when receipts are sent).
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import type { SignedLease } from '../../consensus'
import { computeProtocol, ComputeStatus, type ComputeKind } from './compute-proxy'
import { encodeJson, LeasedClient, MAX_HEADER_BYTES, ProxyRefusal, readAnswer } from './leased-stream'

export class RemoteCompute extends LeasedClient {
  private constructor(stream: Stream, lp: LengthPrefixedStream<Stream>) {
    super(stream, lp)
  }

  static async open(connection: Connection, lease: SignedLease, kind: ComputeKind): Promise<RemoteCompute> {
    const stream = await connection.newStream(computeProtocol(kind), {
      signal: AbortSignal.timeout(10_000),
      runOnLimitedConnection: true,
    })
    const lp = lpStream(stream, { maxDataLength: MAX_HEADER_BYTES })
    await lp.write(encodeJson({ type: 'open', lease }))
    try {
      await readAnswer(lp)
      return new RemoteCompute(stream, lp)
    } catch (err) {
      await stream.close().catch(() => {})
      throw err
    }
  }

  status(): Promise<ComputeStatus> {
    return this.serially(async () => {
      await this.lp.write(encodeJson({ type: 'status' }))
      // A refusal (the lease expired) throws ProxyRefusal here.
      const status = ComputeStatus.safeParse(await readAnswer(this.lp))
      if (!status.success) throw new ProxyRefusal('malformed', 'the owner answered without a status')
      return status.data
    })
  }
}

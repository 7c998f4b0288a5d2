/**
 * `/hypermesh/proxy/cpu/1.0.0` and `/hypermesh/proxy/gpu/1.0.0`: a lease on CPU or GPU time, held open.
 * While the holder keeps the stream, the leased share (thousandths of a core, or of the GPU) is reserved:
 * the lease book counts it against the asset's capacity, so no other lease can take it, and the holder's
 * receipts meter the time it was held. Work itself arrives with the job sandbox; until then a reservation
 * answers what it holds and under which limits the owner would run it.
 */
import { z } from 'zod'
import type { LeaseTerms } from '../../consensus'
import {
  encodeJson,
  LeasedProxyServer,
  MAX_HEADER_BYTES,
  type LeasedServerParts,
  type StreamIo,
} from './leased-stream'

export type ComputeKind = 'cpu' | 'gpu'

export const computeProtocol = (kind: ComputeKind): string => `/hypermesh/proxy/${kind}/1.0.0`

export const ComputeRequest = z.object({ type: z.literal('status') }).strict()
export type ComputeRequest = z.infer<typeof ComputeRequest>

/** What a held compute lease has: the share reserved, since when, and the owner's limits on the work. */
export const ComputeStatus = z.object({
  ok: z.literal(true),
  reservedMillicores: z.number().int().min(1),
  heldMs: z.number().min(0),
  /** How the owner enforces the share on this machine (e.g. "cgroup-v2", "duty-cycle"), or why it cannot. */
  enforcement: z.string(),
})
export type ComputeStatus = z.infer<typeof ComputeStatus>

export interface ComputeProxyParts extends LeasedServerParts {
  /** Words for how this owner would hold leased work to its share. */
  enforcement(): string
}

interface Reservation {
  millicores: number
  since: number
}

export class ComputeProxyServer extends LeasedProxyServer<ComputeRequest, Reservation> {
  constructor(
    protected override readonly parts: ComputeProxyParts,
    kind: ComputeKind,
  ) {
    super(parts, computeProtocol(kind), ComputeRequest, { maxDataLength: MAX_HEADER_BYTES })
  }

  protected open(lease: LeaseTerms): Reservation {
    return { millicores: Number(lease.amount), since: (this.parts.now ?? Date.now)() }
  }

  protected async handle(io: StreamIo, held: Reservation): Promise<void> {
    const status: ComputeStatus = {
      ok: true,
      reservedMillicores: held.millicores,
      heldMs: (this.parts.now ?? Date.now)() - held.since,
      enforcement: this.parts.enforcement(),
    }
    await io.write(encodeJson(status))
  }
}

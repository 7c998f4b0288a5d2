/** Jobs in the contract's shapes, for tests and the demo page. */
import type { JobExample, JobSummary, ProvidedJob, ProviderRun } from '../../../shared/api'
import { otherPeerIds, SAMPLE_NOW } from './sample-data'

export const sampleJobId = 'ab'.repeat(32)
const outputHash = 'cd'.repeat(32)

export const sampleRun = (extra: Partial<ProviderRun> = {}): ProviderRun => ({
  peerId: otherPeerIds[0],
  role: 'replica',
  state: 'running',
  reason: null,
  pricePerCoreHour: '1000000',
  status: null,
  outputHash: null,
  cpuMillis: null,
  paid: null,
  log: '',
  startedAt: SAMPLE_NOW - 2_000,
  endedAt: null,
  ...extra,
})

export const sampleJob = (extra: Partial<JobSummary> = {}): JobSummary => ({
  jobId: sampleJobId,
  name: 'Prime sieve',
  runtime: 'wasm-wasi',
  state: 'running',
  reason: null,
  redundancy: 2,
  verified: false,
  createdAt: SAMPLE_NOW - 5_000,
  updatedAt: SAMPLE_NOW - 1_000,
  limits: { millicores: 1000, memoryBytes: 64 * 1024 ** 2, wallMs: 10_000, outputBytes: 64 * 1024 },
  maxPayment: '8334',
  providers: [sampleRun(), sampleRun({ peerId: otherPeerIds[1] })],
  outputHash: null,
  outputBytes: null,
  cost: null,
  refunded: null,
  escrowTx: 'ef'.repeat(32),
  settleTx: null,
  ...extra,
})

/** The same job accepted: both providers returned the same output and were paid. */
export const sampleDoneJob = (): JobSummary =>
  sampleJob({
    state: 'done',
    verified: true,
    outputHash,
    outputBytes: 42,
    cost: '46',
    refunded: '8288',
    settleTx: '12'.repeat(32),
    providers: [otherPeerIds[0], otherPeerIds[1]].map((peerId) =>
      sampleRun({
        peerId,
        state: 'accepted',
        status: 'ok',
        outputHash,
        cpuMillis: 83,
        paid: '23',
        log: 'sieved 10000 numbers\n',
        endedAt: SAMPLE_NOW - 1_000,
      }),
    ),
  })

export const sampleExample: JobExample = {
  id: 'primes-wasm',
  title: 'Prime sieve (WebAssembly)',
  description: 'Counts the primes below the number given as input.',
  runtime: 'wasm-wasi',
  code: btoa('\0asm\x01\0\0\0'),
  input: btoa('10000'),
  args: [],
  limits: { millicores: 1000, memoryBytes: 64 * 1024 ** 2, wallMs: 10_000, outputBytes: 64 * 1024 },
  expectedOutputHash: outputHash,
}

export const sampleProvided: ProvidedJob = {
  jobId: 'fe'.repeat(32),
  submitterPeer: otherPeerIds[1],
  runtime: 'quickjs',
  status: 'ok',
  outcome: 'paid',
  cpuMillis: 1_250,
  pricePerCoreHour: '2000000',
  earned: '695',
  startedAt: SAMPLE_NOW - 60_000,
  endedAt: SAMPLE_NOW - 58_000,
}

/**
 * app/jobs: work from other peers on this node's shared CPU and GPU, and this node's work on theirs. The face
 * of the subsystem: the service the node composes, the ports it satisfies, and its request errors.
 */
export { JobsService } from './jobs-service'
export { createJobEngine, type JobEngineOptions } from './job-engine'
export { JobRequestError, type JobRequestCode } from './errors'
export type {
  JobResource,
  JobsLedgerView,
  JobsServiceParts,
  ProviderTerms,
  WorkGroup,
  EscrowView,
} from './ports'
export type { JobEngine } from './provider/run-port'
export { privacyAdmits, worstCaseCost } from './provider/offer-checks'
export { firstGpuHost, type GpuHost, type GpuHostState } from './gpu/gpu-host'
export { PageGpuHosts } from './gpu/page-hosts'
export { createDawnGpuHost } from './gpu/dawn-host'
export { withGpuJobs } from './gpu/gpu-engine'

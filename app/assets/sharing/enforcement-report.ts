/**
 * What this machine enforces of a resource's terms, and what it cannot, in words for the UI. Nothing is
 * listed as enforced that the node does not enforce.
 */
import type { ResourceKind, SharingSettings } from '../../../shared/sharing-schemas'
import type { ResourceLimiter } from '../limits/work-limits'
import type { GpuControls } from '../hardware/gpu-controls'

const PROOF_NAMES = { space: 'PoSpace', stake: 'PoStake', work: 'PoWork', time: 'PoTime' } as const

const HOW: Record<ResourceLimiter['kind'], string> = {
  'cgroup-v2': 'by the kernel (cgroup v2)',
  'cgroup-v1': 'by the kernel (cgroup v1)',
  'systemd-run': 'by the kernel (systemd delegation)',
  'duty-cycle': 'by the node pausing the work (no cgroups here; a burst under 20 ms can pass)',
}

/** Where GPU jobs run: the WebGPU adapter's name, or why they run nowhere (app/jobs GPU hosts). */
export type GpuJobsHost = { adapter: string } | { reason: string }

export function enforcementOf(
  kind: ResourceKind,
  settings: SharingSettings,
  limiter: ResourceLimiter | null,
  gpu?: GpuControls,
  gpuJobs?: GpuJobsHost,
): { enforced: string[]; notEnforced: string[] } {
  const enforced: string[] = []
  const notEnforced: string[] = []
  const how = limiter == null ? null : HOW[limiter.kind]
  const schedule = 'time windows, idle time and pause-when-in-use: leased work is paused outside them'
  switch (kind) {
    case 'cpu':
      if (how == null)
        notEnforced.push('CPU share: this system offers no way to limit it, so no leased work runs')
      else enforced.push(`CPU share of leased work, ${how}`, schedule)
      if (settings.pauseAboveCelsius != null)
        enforced.push('pause above the CPU temperature limit, where a sensor reports it')
      break
    case 'memory':
      if (how == null)
        notEnforced.push('memory cap: this system offers no way to limit it, so no leased work runs')
      else enforced.push(`memory cap of leased work (in use and idle), ${how}`)
      enforced.push(
        'remote memory: leases together stay within the memory offered, every read and write is bounds-checked',
        `who may use it (${settings.privacy}): checked on the authenticated peer for every lease`,
      )
      break
    case 'gpu':
      notEnforced.push(gpuShareWords(settings, gpu))
      if (gpuJobs != null && 'adapter' in gpuJobs)
        enforced.push(
          `GPU jobs: run on the WebGPU adapter ${gpuJobs.adapter}, one at a time per adapter, each held to its deadline (its device is destroyed), its buffer memory and its output size, and billed at most its share of its run time`,
        )
      else if (gpuJobs != null) notEnforced.push(`GPU jobs: none run here: ${gpuJobs.reason}`)
      break
    case 'storage':
      enforced.push(
        'disk quota and space kept free: checked on every write of a leased shard, which is refused beyond them',
        `who may use it (${settings.privacy}): checked on the authenticated peer for every lease`,
      )
      break
  }
  if (kind === 'cpu' || kind === 'gpu') {
    enforced.push(
      `who may use it (${settings.privacy}): checked on the authenticated peer for every lease`,
      'leases reserve their share: together they stay within the allocation, and the time held is metered',
    )
    notEnforced.push('leased work itself: not carried yet (it comes with the job sandbox)')
  }
  if (settings.requiredProofs.length > 0)
    enforced.push(
      `proofs a lease must carry (${settings.requiredProofs.map((p) => PROOF_NAMES[p]).join(', ')}): checked when a peer asks for a lease`,
    )
  if (settings.minPricePerHour !== '0')
    enforced.push(
      'minimum price: peers asking for a lease are refused, since there is no market to pay through yet',
    )
  if (settings.uploadMbps != null || settings.downloadMbps != null) {
    if (kind === 'memory' || kind === 'storage')
      enforced.push('bandwidth caps on leased traffic through the proxy, shared by all its leases')
    else notEnforced.push('bandwidth caps: stored; CPU and GPU work is not carried by this version yet')
  }
  return { enforced, notEnforced }
}

/**
 * What the driver offers for the GPU share here. MPS holds CUDA clients only; GPU jobs run through WebGPU
 * (Vulkan, Metal or D3D12 underneath), which no driver control found here limits (docs/jobs.md).
 */
function gpuShareWords(settings: SharingSettings, gpu: GpuControls | undefined): string {
  if (gpu == null) return 'GPU share: the driver’s controls were not looked for'
  if (gpu.unavailable != null) return `GPU share: cannot be enforced on this machine: ${gpu.unavailable}`
  return (
    `GPU share: NVIDIA MPS is available here to hold leased work to ${settings.allocationPercent} % of a ` +
    'GPU’s multiprocessors, but only CUDA work: GPU jobs run through WebGPU, which it does not hold'
  )
}

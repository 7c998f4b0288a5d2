/**
 * Checks of a resource's terms against this machine, beyond what the schema alone can say: a
 * temperature limit on memory means nothing, a memory cap above the memory there is cannot hold.
 * Each problem says what to change.
 */
import type { HardwareSnapshot } from '../../../shared/schemas'
import type { ResourceKind, SharingSettings } from '../../../shared/sharing-schemas'

const GiB = 1024 ** 3
const gib = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`

/**
 * `webgpuAdapter`: the WebGPU adapter GPU jobs run on (a page's, or Dawn's in the daemon), which counts as
 * this node's GPU for GPU jobs where no GPU is seen otherwise.
 */
export function sharingProblems(
  kind: ResourceKind,
  s: SharingSettings,
  hardware: HardwareSnapshot,
  webgpuAdapter: string | null = null,
): string[] {
  const problems: string[] = []
  if (s.pauseAboveCelsius != null && kind !== 'cpu' && kind !== 'gpu')
    problems.push('a temperature limit applies to CPU and GPU only; clear it')
  if ((s.memoryInUseBytes != null || s.memoryIdleBytes != null) && kind !== 'memory')
    problems.push('memory allowed in use and when idle are set on the memory resource only')
  if (s.diskQuotaBytes != null && kind !== 'storage') problems.push('a disk quota is set on storage only')
  if (kind === 'memory') {
    const total = hardware.memory.totalBytes
    for (const [name, bytes] of [
      ['in use', s.memoryInUseBytes],
      ['when idle', s.memoryIdleBytes],
    ] as const)
      if (bytes != null && bytes > total)
        problems.push(`memory allowed ${name} (${gib(bytes)}) is more than this computer has (${gib(total)})`)
  }
  if (kind === 'storage') {
    const disk = largestDisk(hardware)
    if (disk == null) problems.push('this computer has no disk HyperMesh can share')
    else {
      if (s.diskQuotaBytes != null && s.diskQuotaBytes > disk.sizeBytes)
        problems.push(
          `the disk quota (${gib(s.diskQuotaBytes)}) is more than the disk holds (${gib(disk.sizeBytes)})`,
        )
      if (s.keepFreeBytes > disk.sizeBytes)
        problems.push(
          `space to keep free (${gib(s.keepFreeBytes)}) is more than the disk holds (${gib(disk.sizeBytes)})`,
        )
    }
  }
  if (kind === 'gpu' && s.enabled && hardware.gpus.length === 0 && webgpuAdapter == null)
    problems.push('this computer has no GPU that HyperMesh can see, so there is none to share')
  return problems
}

/** The disk shared storage lives on: the one with the most space. */
export function largestDisk(hardware: HardwareSnapshot): HardwareSnapshot['disks'][number] | null {
  return hardware.disks.reduce<HardwareSnapshot['disks'][number] | null>(
    (best, d) => (best == null || d.sizeBytes > best.sizeBytes ? d : best),
    null,
  )
}

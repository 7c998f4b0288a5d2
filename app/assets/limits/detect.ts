/** The strongest limiter this machine and this process allow, and what each of the others lacks. */
import { CgroupV1Limiter } from './cgroup-v1'
import { CgroupV2Limiter } from './cgroup-v2'
import { DutyCycleLimiter } from './duty-cycle'
import { SystemdRunLimiter, type DelegationOptions } from './systemd-run'
import type { LimiterKind, ResourceLimiter } from './work-limits'

export interface LimiterChoice {
  limiter: ResourceLimiter | null
  /** Why each stronger kind was passed over, in words for the UI and the log. */
  passedOver: { kind: LimiterKind; reason: string }[]
}

export async function detectLimiter(options: { systemd?: DelegationOptions } = {}): Promise<LimiterChoice> {
  const passedOver: LimiterChoice['passedOver'] = []
  const v2 = CgroupV2Limiter.detect()
  if (v2 != null) return { limiter: v2, passedOver }
  passedOver.push({
    kind: 'cgroup-v2',
    reason: 'no cgroup v2 hierarchy with the cpu and memory controllers that this process may change',
  })
  const v1 = CgroupV1Limiter.detect()
  if (v1 != null) return { limiter: v1, passedOver }
  passedOver.push({
    kind: 'cgroup-v1',
    reason:
      process.getuid?.() === 0
        ? 'the cpu, cpuacct, memory and freezer cgroup v1 hierarchies are not all mounted'
        : 'cgroup v1 groups can be made only as root',
  })
  const delegated = await SystemdRunLimiter.delegate(options.systemd)
  if (delegated instanceof SystemdRunLimiter) return { limiter: delegated, passedOver }
  passedOver.push({ kind: 'systemd-run', reason: delegated.reason })
  const duty = DutyCycleLimiter.detect()
  if (duty != null) return { limiter: duty, passedOver }
  passedOver.push({ kind: 'duty-cycle', reason: 'there is no /proc to measure processes by' })
  return { limiter: null, passedOver }
}

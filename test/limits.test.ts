import { CgroupV1Limiter } from '../app/assets/limits/cgroup-v1'
import { CgroupV2Limiter } from '../app/assets/limits/cgroup-v2'
import { DutyCycleLimiter } from '../app/assets/limits/duty-cycle'
import { SystemdRunLimiter } from '../app/assets/limits/systemd-run'
import { afterAll } from 'vitest'
import { limiterCompliance } from './support/limiter-compliance'

limiterCompliance(
  'cgroup v2',
  () => CgroupV2Limiter.detect(),
  'no writable cgroup v2 hierarchy with cpu and memory here',
  { groupsOutliveTheNode: true },
)
limiterCompliance(
  'cgroup v1',
  () => CgroupV1Limiter.detect(),
  'needs root and the cpu, cpuacct, memory and freezer v1 hierarchies',
  { groupsOutliveTheNode: true },
)
// A desktop user's delegated scope, where this machine's user manager gives one (not as root: see detect.ts).
const delegated = await SystemdRunLimiter.delegate()
afterAll(() => {
  if (delegated instanceof SystemdRunLimiter) delegated.release()
})
limiterCompliance(
  'systemd-run delegation',
  () => (delegated instanceof SystemdRunLimiter ? delegated : null),
  `no delegated scope here: ${delegated instanceof SystemdRunLimiter ? '' : delegated.reason}`,
  { groupsOutliveTheNode: false },
)
limiterCompliance('duty-cycle', () => DutyCycleLimiter.detect(), 'needs Linux /proc', {
  groupsOutliveTheNode: false,
})

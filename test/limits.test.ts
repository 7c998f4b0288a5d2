import { CgroupV1Limiter } from '../app/assets/limits/cgroup-v1'
import { CgroupV2Limiter } from '../app/assets/limits/cgroup-v2'
import { DutyCycleLimiter } from '../app/assets/limits/duty-cycle'
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
limiterCompliance('duty-cycle', () => DutyCycleLimiter.detect(), 'needs Linux /proc', {
  groupsOutliveTheNode: false,
})

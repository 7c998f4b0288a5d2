/**
 * Where this node's GPU jobs run (docs/jobs.md, "GPU jobs"): Dawn in the daemon where it finds an
 * adapter, else the pages attached over the API (the UI in a browser, the desktop app's GPU window).
 * Software adapters count only when config.json's `gpu.softwareAdapters` says so.
 */
import type { GpuJobsStatus } from '../../shared/gpu-schemas'
import type { GpuJobsHost } from '../assets'
import { createDawnGpuHost, firstGpuHost, PageGpuHosts, type GpuHost } from '../jobs'
import type { NodeConfig } from './config'
import type { NodeService } from './lifecycle'
import type { Logger } from './logger'

export interface GpuJobs {
  /** The pages attached as GPU hosts, which the API's gpu.* calls serve. */
  pages: PageGpuHosts
  /** The host GPU jobs run on: Dawn's, else the pages'. */
  host: GpuHost
  /** Starts and stops the pages' upkeep (a page that stops polling is dropped). */
  service: NodeService
  status(): GpuJobsStatus
  /** For the GPU sharing card and rules: the adapter jobs run on, or why none. */
  forSharing(): GpuJobsHost
}

export async function composeGpuJobs(config: NodeConfig['gpu'], log: Logger): Promise<GpuJobs> {
  const allowSoftware = config.softwareAdapters
  const pages = new PageGpuHosts({ allowSoftware })
  const dawn = config.dawn ? await createDawnGpuHost({ allowSoftware }) : null
  const dawnState = dawn?.state()
  if (dawnState != null && 'adapter' in dawnState)
    log.info({ adapter: dawnState.adapter.name }, 'GPU jobs run on Dawn in this node')
  else
    log.info({ reason: dawnState?.reason ?? 'gpu.dawn is off' }, 'no GPU in this node; pages may lend theirs')
  const host = firstGpuHost(dawn == null ? [pages] : [dawn, pages])
  return {
    pages,
    host,
    service: { name: 'gpu hosts', start: () => pages.start(), stop: () => pages.stop() },
    status: () => {
      const state = host.state()
      return 'adapter' in state
        ? { adapter: state.adapter, host: state.host, reason: null, pages: pages.count }
        : { adapter: null, host: null, reason: state.reason, pages: pages.count }
    },
    forSharing: () => {
      const state = host.state()
      if ('reason' in state) return { reason: state.reason }
      const { name, software } = state.adapter
      return {
        adapter: `${name}${software ? ' (software)' : ''}${state.host === 'page' ? ', lent by a page' : ''}`,
      }
    },
  }
}

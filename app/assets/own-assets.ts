/**
 * This node's assets: one per shared resource (each GPU and disk its own), each with a stable id and a
 * global proxy address derived from the network, the node and the resource.
 */
import type { HardwareSnapshot } from '../../shared/schemas'
import type { ResourceKind } from '../../shared/sharing-schemas'
import { hashOf } from '../consensus'
import { proxyAddressOf } from './proxy-address'

export interface OwnAsset {
  resource: ResourceKind
  index: number
  assetId: string
  proxyAddress: string
}

export const assetIdOf = (networkId: string, peerId: string, resource: ResourceKind, index: number): string =>
  hashOf('hypermesh/asset-id/v1', { networkId, peerId, resource, index })

export function ownAssets(networkId: string, peerId: string, hardware: HardwareSnapshot): OwnAsset[] {
  const counts: Record<ResourceKind, number> = {
    cpu: 1,
    memory: 1,
    gpu: hardware.gpus.length,
    storage: Math.min(hardware.disks.length, 1),
  }
  const assets: OwnAsset[] = []
  for (const resource of ['cpu', 'gpu', 'memory', 'storage'] as const)
    for (let index = 0; index < counts[resource]; index++)
      assets.push({
        resource,
        index,
        assetId: assetIdOf(networkId, peerId, resource, index),
        proxyAddress: proxyAddressOf({ networkId, peerId, resource, index }),
      })
  return assets
}

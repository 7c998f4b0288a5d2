/**
 * What a fresh node shares: nothing, until its owner turns a resource on. The terms a resource starts
 * with once turned on are modest and protect the owner's own use of the machine.
 */
import type { ResourceKind, SharingSettings } from '../../../shared/sharing-schemas'

const GiB = 1024 ** 3

export function defaultSharing(kind: ResourceKind): SharingSettings {
  return {
    enabled: false,
    allocationPercent: 25,
    maxLeases: 4,
    windows: [],
    idleMinutes: 0,
    pauseWhenInUse: false,
    pauseAboveCelsius: kind === 'cpu' || kind === 'gpu' ? 85 : null,
    memoryInUseBytes: null,
    memoryIdleBytes: null,
    diskQuotaBytes: kind === 'storage' ? 10 * GiB : null,
    keepFreeBytes: kind === 'storage' ? 10 * GiB : 0,
    uploadMbps: null,
    downloadMbps: null,
    minPricePerHour: '0',
    // A peer asking for a lease spends a VDF's time on it (rate-limits floods) but needs no stake, so a new
    // node can store files on a network; owners who want only staked peers add PoStake.
    requiredProofs: ['time'],
    relayThroughPeers: true,
    privacy: 'Private',
    networks: [],
    trustedPeers: [],
  }
}

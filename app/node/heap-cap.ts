/**
 * How much old space (V8's main heap) the node's process may use, in proportion to the connections it
 * may hold. Without a cap V8 sizes the heap from the machine's memory (about 4 GiB here) and lets garbage
 * pile up towards it: a node holding 10,000 connections with about 300 MiB live reached 1.7 GiB of RSS.
 * Capped, the same node stays under 1 GiB (docs/performance.md).
 *
 * The cap can only be set when the process starts (--max-old-space-size), so launchers ask the daemon
 * for it first (`--print-heap-flags`) and start it with that flag.
 */
import { getHeapStatistics } from 'node:v8'

/** Room for everything but connections: the ledger, leases, files in flight, and GC headroom. */
export const HEAP_BASE_MIB = 256
/** Per connection: 27.7 KiB were live at 10,000 connections; the rest is headroom for GC. */
export const HEAP_PER_CONNECTION_KIB = 40
/** No node gets less, however few connections it allows. */
export const MIN_HEAP_CAP_MIB = 512

export function heapCapMiB(maxConnections: number): number {
  return Math.max(
    MIN_HEAP_CAP_MIB,
    Math.ceil(HEAP_BASE_MIB + (maxConnections * HEAP_PER_CONNECTION_KIB) / 1024),
  )
}

/** The node flag that applies the cap. */
export const heapCapFlag = (maxConnections: number): string =>
  `--max-old-space-size=${heapCapMiB(maxConnections)}`

/** This process's heap limit (old and young space together), in MiB. */
export const heapLimitMiB = (): number => Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)

/**
 * Whether this process was started with the cap (or a smaller one): V8 adds its young space to the old
 * space, so the limit may exceed the cap by that much, never by half again.
 */
export const heapIsCapped = (maxConnections: number, limitMiB = heapLimitMiB()): boolean =>
  limitMiB <= heapCapMiB(maxConnections) * 1.5

/**
 * The validator's PoSpace plot on disk: its labels, 32 bytes each, in `<dataDir>/plots/`. It depends only on
 * the node's FALCON key and the network's plot parameters, so one file serves every network that asks for
 * the same size. On load a sample of labels is recomputed: a file made for another key, truncated or
 * altered is regenerated rather than used to answer challenges it would fail.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomInt } from 'node:crypto'
import { equalBytes } from '../merkle'
import { computeLabel, Plot, plotOwner } from '../proofs/space'

const LABEL_BYTES = 32
const SPOT_CHECKS = 16

export interface PlotShape {
  leavesLog2: number
  iterations: number
}

export const plotPath = (dataDir: string, shape: PlotShape): string =>
  join(dataDir, 'plots', `plot-2^${shape.leavesLog2}-x${shape.iterations}.bin`)

export interface LoadedPlot {
  plot: Plot
  created: boolean
  /** Why an existing file was replaced, when it was. */
  replaced?: string
}

export function loadOrCreatePlot(dataDir: string, publicKey: Uint8Array, shape: PlotShape): LoadedPlot {
  const path = plotPath(dataDir, shape)
  const owner = plotOwner(publicKey)
  let replaced: string | undefined
  if (existsSync(path)) {
    const labels = readLabels(path, shape)
    const problem = labels == null ? 'wrong size' : spotCheck(labels, owner, shape.iterations)
    if (problem == null)
      return { plot: Plot.fromLabels(labels as Uint8Array[], shape.leavesLog2), created: false }
    replaced = problem
  }
  const plot = Plot.generate(owner, shape.leavesLog2, shape.iterations)
  writePlot(path, plot, shape)
  return { plot, created: true, replaced }
}

function readLabels(path: string, shape: PlotShape): Uint8Array[] | null {
  const bytes = readFileSync(path)
  const count = 2 ** shape.leavesLog2
  if (bytes.length !== count * LABEL_BYTES) return null
  return Array.from(
    { length: count },
    (_, i) => new Uint8Array(bytes.buffer, bytes.byteOffset + i * LABEL_BYTES, LABEL_BYTES),
  )
}

/** Null when a random sample of labels (always including the first and last) recomputes exactly. */
function spotCheck(labels: Uint8Array[], owner: Uint8Array, iterations: number): string | null {
  const indices = [
    0,
    labels.length - 1,
    ...Array.from({ length: SPOT_CHECKS }, () => randomInt(labels.length)),
  ]
  for (const i of indices)
    if (!equalBytes(labels[i]!, computeLabel(owner, i, iterations)))
      return `label ${i} does not match this node's key`
  return null
}

function writePlot(path: string, plot: Plot, shape: PlotShape): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 })
  const out = Buffer.alloc(2 ** shape.leavesLog2 * LABEL_BYTES)
  for (let i = 0; i < 2 ** shape.leavesLog2; i++) out.set(plot.label(i), i * LABEL_BYTES)
  writeFileSync(`${path}.tmp`, out, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

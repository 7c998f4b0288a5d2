/** A BlockStore in memory: the simulator's disk, which survives a simulated crash of its node. */
import type { BlockStore, CommittedBlock } from './chain'

export class MemoryBlockStore implements BlockStore {
  private readonly entries: CommittedBlock[] = []

  append(entry: CommittedBlock): void {
    const expected = this.entries.length + 1
    if (entry.block.header.height !== expected)
      throw new Error(`block store expects height ${expected}, got ${entry.block.header.height}`)
    this.entries.push(entry)
  }

  all(): Iterable<CommittedBlock> {
    return this.entries
  }

  get(height: number): CommittedBlock | undefined {
    return this.entries[height - 1]
  }
}

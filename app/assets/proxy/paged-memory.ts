/**
 * Remote memory as a leased address space: `size` bytes, held in pages that are allocated on first
 * write (unwritten memory reads as zeros), so a lease reserves capacity without taking RAM it never uses.
 */
export class MemoryBoundsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MemoryBoundsError'
  }
}

export class PagedMemory {
  private readonly pages = new Map<number, Uint8Array>()

  constructor(
    readonly size: number,
    readonly pageBytes = 64 * 1024,
  ) {}

  /** Bytes held in pages now. */
  get residentBytes(): number {
    return this.pages.size * this.pageBytes
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length)
    const out = new Uint8Array(length)
    this.eachPage(offset, length, (page, pageOffset, outOffset, n) => {
      const held = this.pages.get(page)
      if (held != null) out.set(held.subarray(pageOffset, pageOffset + n), outOffset)
    })
    return out
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length)
    this.eachPage(offset, data.length, (page, pageOffset, dataOffset, n) => {
      let held = this.pages.get(page)
      if (held == null) this.pages.set(page, (held = new Uint8Array(this.pageBytes)))
      held.set(data.subarray(dataOffset, dataOffset + n), pageOffset)
    })
  }

  private check(offset: number, length: number): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
      throw new MemoryBoundsError('offset and length are whole numbers, not negative')
    if (offset + length > this.size)
      throw new MemoryBoundsError(`${offset}+${length} is beyond the leased ${this.size} bytes`)
  }

  private eachPage(
    offset: number,
    length: number,
    fn: (page: number, pageOffset: number, bufferOffset: number, n: number) => void,
  ): void {
    let done = 0
    while (done < length) {
      const at = offset + done
      const page = Math.floor(at / this.pageBytes)
      const pageOffset = at % this.pageBytes
      const n = Math.min(this.pageBytes - pageOffset, length - done)
      fn(page, pageOffset, done, n)
      done += n
    }
  }
}

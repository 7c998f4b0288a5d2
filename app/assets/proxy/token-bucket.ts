/**
 * Bandwidth caps on leased traffic: a token bucket per resource and direction, shared by all of its
 * streams. Taking bytes waits until the bucket has them, so a stream moves at most the cap on average,
 * with bursts up to `burstBytes`.
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private bytesPerSecond: number,
    private readonly burstBytes = 256 * 1024,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burstBytes
    this.last = now()
  }

  /** Changes the rate (a cap moved while traffic flows). */
  setRate(bytesPerSecond: number): void {
    this.refill()
    this.bytesPerSecond = bytesPerSecond
  }

  /** Resolves once `bytes` may pass; callers are served in order. */
  take(bytes: number): Promise<void> {
    const turn = this.queue.then(() => this.wait(bytes))
    this.queue = turn.catch(() => {})
    return turn
  }

  private async wait(bytes: number): Promise<void> {
    this.refill()
    this.tokens -= bytes
    if (this.tokens >= 0) return
    const ms = (-this.tokens / this.bytesPerSecond) * 1000
    await new Promise((resolve) => setTimeout(resolve, ms))
    this.refill()
  }

  private refill(): void {
    const now = this.now()
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond)
    this.last = now
  }
}

const bytesPerSecond = (mbps: number): number => (mbps * 1_000_000) / 8

/** One resource's caps, as the sharing terms set them (null: no cap); rates follow the terms live. */
export class BandwidthCaps {
  private up: TokenBucket | null = null
  private down: TokenBucket | null = null

  constructor(private readonly terms: () => { uploadMbps: number | null; downloadMbps: number | null }) {}

  /** Waits before sending `bytes` to a holder (this node's upload). */
  async upload(bytes: number): Promise<void> {
    this.up = this.bucket(this.up, this.terms().uploadMbps)
    await this.up?.take(bytes)
  }

  /** Waits after receiving `bytes` from a holder (this node's download), before answering. */
  async download(bytes: number): Promise<void> {
    this.down = this.bucket(this.down, this.terms().downloadMbps)
    await this.down?.take(bytes)
  }

  private bucket(current: TokenBucket | null, mbps: number | null): TokenBucket | null {
    if (mbps == null) return null
    if (current == null) return new TokenBucket(bytesPerSecond(mbps))
    current.setRate(bytesPerSecond(mbps))
    return current
  }
}

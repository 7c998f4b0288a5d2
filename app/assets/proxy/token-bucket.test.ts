import { describe, expect, it } from 'vitest'
import { BandwidthCaps, TokenBucket } from './token-bucket'

describe('bandwidth caps', () => {
  it('a token bucket lets a burst through at once, then holds the rate', async () => {
    const bucket = new TokenBucket(1_000_000, 100_000)
    let started = performance.now()
    await bucket.take(100_000)
    expect(performance.now() - started).toBeLessThan(200)
    started = performance.now()
    await bucket.take(300_000)
    const ms = performance.now() - started
    // 300 kB at 1 MB/s, with nothing banked: about 300 ms.
    expect(ms).toBeGreaterThan(250)
    expect(ms).toBeLessThan(1_000)
  })

  it('caps follow the terms live, and no cap means no wait', async () => {
    let terms: { uploadMbps: number | null; downloadMbps: number | null } = {
      uploadMbps: null,
      downloadMbps: 8,
    }
    const caps = new BandwidthCaps(() => terms)
    let started = performance.now()
    await caps.upload(10_000_000)
    expect(performance.now() - started).toBeLessThan(200)
    // 8 Mbit/s is 1 MB/s: 256 KiB of burst, then 500 kB more in about 0.5 s.
    started = performance.now()
    await caps.download(256 * 1024 + 500_000)
    expect(performance.now() - started).toBeGreaterThan(400)
    terms = { uploadMbps: null, downloadMbps: 800 }
    started = performance.now()
    await caps.download(1_000_000)
    expect(performance.now() - started).toBeLessThan(300)
  })
})

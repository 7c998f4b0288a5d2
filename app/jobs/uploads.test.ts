import { describe, expect, it } from 'vitest'
import { JobRequestError } from './errors'
import { JobUploads } from './uploads'

const b64 = (text: string) => Buffer.from(text).toString('base64')

describe('job uploads', () => {
  it('takes the bytes in order, and gives them once, whole', () => {
    const uploads = new JobUploads()
    const { uploadId } = uploads.begin('code', 6)
    expect(uploads.chunk(uploadId, 0, b64('abc'))).toEqual({ received: 3 })
    expect(() => uploads.take(uploadId, 'code')).toThrow(/has 3 of 6 bytes/)
    expect(() => uploads.chunk(uploadId, 0, b64('abc'))).toThrow(/expected offset 3/)
    uploads.chunk(uploadId, 3, b64('def'))
    expect(() => uploads.take(uploadId, 'input')).toThrow(/is not input/)
    expect(Buffer.from(uploads.take(uploadId, 'code')).toString()).toBe('abcdef')
    expect(() => uploads.take(uploadId, 'code')).toThrow(JobRequestError)
  })

  it('refuses more bytes than announced, and base64 that is not canonical', () => {
    const uploads = new JobUploads()
    const { uploadId } = uploads.begin('input', 2)
    expect(() => uploads.chunk(uploadId, 0, b64('abc'))).toThrow(/announced as 2 bytes/)
    expect(() => uploads.chunk(uploadId, 0, 'YQ')).toThrow(/canonical base64/)
  })

  it('keeps at most eight uploads: a new one replaces the least recently used', () => {
    let now = 0
    const uploads = new JobUploads(() => ++now)
    const ids = Array.from({ length: 9 }, () => uploads.begin('code', 1).uploadId)
    expect(() => uploads.chunk(ids[0]!, 0, b64('x'))).toThrow(/no upload/)
    expect(uploads.chunk(ids[8]!, 0, b64('x'))).toEqual({ received: 1 })
  })
})

/** A job's code or input sent to a daemon's API in upload chunks, as the UI sends them. */
import { JOB_UPLOAD_CHUNK_BYTES } from '../../shared/jobs-schemas'
import type { Daemon } from './daemon'

export async function uploadJobData(node: Daemon, purpose: 'code' | 'input', data: Buffer): Promise<string> {
  const { uploadId } = await node.call('jobs.beginUpload', { purpose, size: data.length })
  for (let offset = 0; offset < data.length; offset += JOB_UPLOAD_CHUNK_BYTES)
    await node.call('jobs.uploadChunk', {
      uploadId,
      offset,
      data: data.subarray(offset, offset + JOB_UPLOAD_CHUNK_BYTES).toString('base64'),
    })
  return uploadId
}

import { describe, expect, it } from 'vitest'
import { nodeBinary } from './node-binary'

describe('the Node.js binary that runs sandbox processes', () => {
  it('is the one named, when it exists, else says it is missing and what to do', () => {
    expect(nodeBinary(process.execPath)).toEqual({ path: process.execPath })
    expect(nodeBinary('/nonexistent/hypermesh/node')).toEqual({
      reason: expect.stringMatching(/missing \(\/nonexistent\/hypermesh\/node\); reinstall the app/),
    })
  })

  it('is this process’s own under Node.js', () => {
    expect(nodeBinary()).toEqual({ path: process.execPath })
  })
})

import { describe, expect, it } from 'vitest'
import { dataDirFromArgv } from './args'

describe('dataDirFromArgv', () => {
  it('reads --data-dir in both spellings, resolved against the working directory', () => {
    expect(dataDirFromArgv(['electron', 'dist/main/index.cjs', '--data-dir', 'nodes/a'], '/home/u')).toBe(
      '/home/u/nodes/a',
    )
    expect(dataDirFromArgv(['HyperMesh', '--data-dir=/srv/hm'], '/home/u')).toBe('/srv/hm')
    expect(dataDirFromArgv(['HyperMesh', '--no-sandbox'], '/home/u')).toBeUndefined()
  })

  it('refuses a --data-dir without a path', () => {
    expect(() => dataDirFromArgv(['HyperMesh', '--data-dir'])).toThrow('--data-dir needs a path')
    expect(() => dataDirFromArgv(['HyperMesh', '--data-dir', '--inspect'])).toThrow('--data-dir needs a path')
    expect(() => dataDirFromArgv(['HyperMesh', '--data-dir='])).toThrow('--data-dir needs a path')
  })
})

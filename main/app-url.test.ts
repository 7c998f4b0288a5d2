import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_URL, appFileFor, isAppUrl, isExternalWebUrl } from './app-url'

describe('isAppUrl', () => {
  it('is the app’s own protocol: hypermesh://app/index.html, with or without a route fragment', () => {
    expect(APP_URL).toBe('hypermesh://app/index.html')
    expect(isAppUrl(APP_URL)).toBe(true)
    expect(isAppUrl(`${APP_URL}#/wallet`)).toBe(true)
  })

  it('refuses file: URLs (the renderer file itself too), other hosts and pages, other schemes and garbage', () => {
    for (const url of [
      'file:///opt/HyperMesh/resources/app.asar/dist/renderer/index.html',
      'file:///etc/passwd',
      'hypermesh://evil/index.html',
      'hypermesh://app/other.html',
      'https://app/index.html',
      'about:blank',
      '',
    ])
      expect(isAppUrl(url), url).toBe(false)
  })
})

describe('appFileFor: the files the app protocol serves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-renderer-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html>')
  writeFileSync(join(dir, 'assets', 'app 1.js'), '')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('serves the UI folder’s files, and the app shell for an unknown path', () => {
    expect(appFileFor('hypermesh://app/index.html', dir)).toEqual({ file: join(dir, 'index.html') })
    expect(appFileFor('hypermesh://app/assets/app%201.js', dir)).toEqual({
      file: join(dir, 'assets', 'app 1.js'),
    })
    expect(appFileFor('hypermesh://app/wallet', dir)).toEqual({ file: join(dir, 'index.html') })
  })

  it('refuses another host, a malformed escape, and anything outside the UI folder', () => {
    expect(appFileFor('hypermesh://evil/index.html', dir)).toEqual({ refused: 'other-host' })
    expect(appFileFor('hypermesh://app/%E0%A4%A', dir)).toEqual({ refused: 'bad-url' })
    expect(appFileFor('file:///etc/passwd', dir)).toEqual({ refused: 'bad-url' })
    // Dot segments, plain or escaped, are resolved from the folder's root: no request climbs out of it.
    for (const url of [
      'hypermesh://app/../../etc/passwd',
      'hypermesh://app/%2e%2e/%2e%2e/etc/passwd',
      'hypermesh://app/..%2f..%2fetc%2fpasswd',
      'hypermesh://app/assets/..%5c..%5c..%5cetc%5cpasswd',
    ])
      expect(appFileFor(url, dir), url).toEqual({ file: join(dir, 'index.html') })
  })
})

describe('isExternalWebUrl', () => {
  it('allows only http and https links with a host', () => {
    expect(isExternalWebUrl('https://hypermesh.example/docs')).toBe(true)
    expect(isExternalWebUrl('http://localhost:4747/')).toBe(true)
    for (const url of [
      'file:///bin/sh',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'not a url',
    ]) {
      expect(isExternalWebUrl(url)).toBe(false)
    }
  })
})

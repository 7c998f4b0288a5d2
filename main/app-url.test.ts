import { describe, expect, it } from 'vitest'
import { isAppUrl, isExternalWebUrl, rendererFileUrl } from './app-url'

const APP_URL = rendererFileUrl('/opt/HyperMesh/resources/app.asar/dist/renderer/index.html')

describe('isAppUrl', () => {
  it('accepts the renderer page, with or without a route fragment', () => {
    expect(isAppUrl(APP_URL, APP_URL)).toBe(true)
    expect(isAppUrl(`${APP_URL}#/wallet`, APP_URL)).toBe(true)
  })

  it('refuses other files, other schemes and garbage', () => {
    expect(isAppUrl('file:///opt/HyperMesh/resources/app.asar/dist/renderer/other.html', APP_URL)).toBe(false)
    expect(isAppUrl('file:///etc/passwd', APP_URL)).toBe(false)
    expect(isAppUrl('https://opt/HyperMesh/resources/app.asar/dist/renderer/index.html', APP_URL)).toBe(false)
    expect(isAppUrl('about:blank', APP_URL)).toBe(false)
    expect(isAppUrl('', APP_URL)).toBe(false)
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

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiDispatcher } from './dispatcher'
import { startLocalApiServer, type LocalApiServer } from './local-server'

/** Sends `path` exactly as written (fetch would normalise it) and resolves with the status and body. */
function get(
  server: LocalApiServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the local API server and malformed URLs', () => {
  const ui = mkdtempSync(join(tmpdir(), 'hm-ui-'))
  let server: LocalApiServer

  beforeAll(async () => {
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>ui</title>')
    writeFileSync(join(ui, 'a b.js'), 'ok')
    const dispatcher = { dispatch: async () => ({}), subscribe: () => () => {} } as unknown as ApiDispatcher
    server = await startLocalApiServer({ dispatcher, port: 0, staticDir: ui })
  })

  afterAll(async () => {
    await server.close()
    rmSync(ui, { recursive: true, force: true })
  })

  it('answers a malformed % escape with 400 and says why', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/assets/%zz.js', '/%C0%AF', '//[']) {
      const answer = await get(server, path)
      expect(answer.status, path).toBe(400)
      expect(JSON.parse(answer.body), path).toEqual({ error: expect.stringMatching(/malformed % escape/) })
    }
  })

  it('still serves well-formed escapes, and keeps paths inside the UI folder', async () => {
    expect(await get(server, '/a%20b.js')).toEqual({ status: 200, body: 'ok' })
    expect((await get(server, '/%2e%2e/%2e%2e/etc/passwd')).body).toContain('<title>ui</title>')
  })

  it('refuses a WebSocket upgrade on a URL that does not parse, without falling over', async () => {
    const answer = await get(server, '//[', {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    }).catch((err: Error) => ({ status: 0, body: err.message }))
    expect(answer.status).not.toBe(101)
    expect((await get(server, '/a%20b.js')).status).toBe(200)
  })
})

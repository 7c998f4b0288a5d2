import { describe, it, expect, afterEach } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NodeConfig } from './config'
import { DEFAULT_RELAY_LIMITS } from '../stoq/nat'
import { ConfigError, configPath, loadConfig, rememberListenPorts, saveConfig } from './config'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-config-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const withConfig = (content: unknown): string => {
  const dir = tempDir()
  writeFileSync(configPath(dir), typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return dir
}

/** Expects loadConfig to throw a ConfigError naming the file, and the file to stay byte for byte the same. */
function expectRefused(dir: string, ...fragments: string[]): ConfigError {
  const path = configPath(dir)
  const before = readFileSync(path)
  let error: unknown
  try {
    loadConfig(dir)
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(ConfigError)
  const message = (error as Error).message
  expect(message).toContain(path)
  for (const fragment of fragments) expect(message).toContain(fragment)
  expect(readFileSync(path).equals(before)).toBe(true)
  return error as ConfigError
}

// devnetName has no fixed default: the node derives one from the host and its peer id.
const DEFAULTS: NodeConfig = {
  listen: { loopbackOnly: false, ipv6: true, tcpPort: 0, wsPort: 0, quicPort: 0, webrtcPort: 0 },
  api: { host: '127.0.0.1', port: 4747 },
  discovery: { mdns: true },
  connections: {
    maxConnections: 300,
    maxIncomingPendingConnections: 256,
    maxPendingPerHost: 8,
    maxPendingPerNetwork: 32,
    inboundConnectionsPerHostPerSecond: 10,
    inboundConnectionsPerNetworkPerSecond: 20,
    inboundHandshakesPerSecond: 100,
    maxConnectionsPerPeer: 4,
    inboundUpgradeTimeoutMs: 5_000,
    maxInboundStreamsPerConnection: 256,
    maxPeerAddrsToDial: 25,
  },
  nat: {
    relayServer: false,
    relayLimits: { ...DEFAULT_RELAY_LIMITS },
    relayReservations: 1,
    upnp: true,
    autoNAT: true,
    dcutr: true,
  },
  transport: { offerClassicalNoise: false, quic: true, webrtcDirect: true },
  gpu: { softwareAdapters: false, dawn: true },
  pingIntervalMs: 10_000,
  logLevel: 'info',
}

describe('loadConfig', () => {
  it('returns the defaults when there is no config file, without creating one', () => {
    const dir = tempDir()
    expect(loadConfig(dir)).toEqual(DEFAULTS)
    expect(existsSync(configPath(dir))).toBe(false)
  })

  it('fills defaults around the values a partial file sets', () => {
    const dir = withConfig({ listen: { ipv6: false }, logLevel: 'debug' })
    const config = loadConfig(dir)
    expect(config.listen).toEqual({ ...DEFAULTS.listen, ipv6: false })
    expect(config.logLevel).toBe('debug')
    expect(config.api).toEqual(DEFAULTS.api)
  })

  it('lets overrides win over file values, field by field', () => {
    const dir = withConfig({
      devnetName: 'From file',
      listen: { tcpPort: 4001, wsPort: 4002 },
      api: { port: 5000 },
    })
    const config = loadConfig(dir, { devnetName: 'From CLI', listen: { tcpPort: 9001 }, logLevel: 'warn' })
    expect(config.devnetName).toBe('From CLI')
    expect(config.listen.tcpPort).toBe(9001)
    expect(config.listen.wsPort).toBe(4002) // untouched by the override
    expect(config.api.port).toBe(5000)
    expect(config.logLevel).toBe('warn')
  })

  it('ignores override keys given as undefined', () => {
    const dir = withConfig({ listen: { tcpPort: 4001 } })
    expect(loadConfig(dir, { listen: { tcpPort: undefined } }).listen.tcpPort).toBe(4001)
  })

  it('refuses invalid JSON with the path in the message', () => {
    expectRefused(withConfig('{ "logLevel": "info", '), 'not valid JSON')
    expectRefused(withConfig(''), 'not valid JSON')
  })

  it('refuses JSON that is not an object', () => {
    for (const content of ['null', '[]', '42', '"text"']) expectRefused(withConfig(content), 'JSON object')
  })

  it('refuses unknown keys at the top level and inside sections, naming them', () => {
    expectRefused(withConfig({ logLevl: 'debug' }), 'logLevl')
    expectRefused(withConfig({ listen: { tcpport: 4001 } }), 'listen', 'tcpport')
  })

  it('refuses out-of-range ports naming the field', () => {
    expectRefused(withConfig({ listen: { tcpPort: 65536 } }), '"listen.tcpPort"')
    expectRefused(withConfig({ listen: { wsPort: -1 } }), '"listen.wsPort"')
    expectRefused(withConfig({ api: { port: 1.5 } }), '"api.port"')
    expectRefused(withConfig({ api: { port: '4747' } }), '"api.port"')
  })

  it('refuses other invalid values naming the field', () => {
    expectRefused(withConfig({ devnetName: '' }), '"devnetName"')
    expectRefused(withConfig({ devnetName: 'x'.repeat(65) }), '"devnetName"')
    expectRefused(withConfig({ pingIntervalMs: 999 }), '"pingIntervalMs"')
    expectRefused(withConfig({ logLevel: 'verbose' }), '"logLevel"')
    expectRefused(withConfig({ connections: { maxConnections: 0 } }), '"connections.maxConnections"')
    expectRefused(withConfig({ discovery: { mdns: 'yes' } }), '"discovery.mdns"')
    expectRefused(withConfig({ gpu: { softwareAdapters: 'yes' } }), '"gpu.softwareAdapters"')
    expectRefused(withConfig({ gpu: { software: true } }), 'gpu', 'software')
  })

  it('offers GPU jobs on a software adapter only when config.json says so', () => {
    expect(loadConfig(tempDir()).gpu.softwareAdapters).toBe(false)
    expect(loadConfig(withConfig({ gpu: { softwareAdapters: true } })).gpu).toEqual({
      softwareAdapters: true,
      dawn: true,
    })
  })

  it('refuses an invalid override even when the file is fine', () => {
    const dir = withConfig({})
    expect(() => loadConfig(dir, { listen: { tcpPort: 70_000 } })).toThrow(ConfigError)
    expect(() => loadConfig(dir, { listen: { tcpPort: 70_000 } })).toThrow('"listen.tcpPort"')
  })
})

describe('saving config', () => {
  it('saveConfig writes what loadConfig reads back', () => {
    const dir = tempDir()
    const config: NodeConfig = {
      ...DEFAULTS,
      devnetName: 'Saved',
      listen: { ...DEFAULTS.listen, tcpPort: 4100 },
    }
    saveConfig(dir, config)
    expect(loadConfig(dir)).toEqual(config)
    expect(existsSync(`${configPath(dir)}.tmp`)).toBe(false)
  })

  it('rememberListenPorts changes only the ports and keeps every other key in the file', () => {
    const stored = {
      devnetName: 'Keep me',
      listen: { loopbackOnly: true, ipv6: false, tcpPort: 1, wsPort: 2 },
      api: { host: '127.0.0.1', port: 5555 },
      logLevel: 'trace',
    }
    const dir = withConfig(stored)
    const ports = { tcpPort: 40001, wsPort: 40002, quicPort: 40003, webrtcPort: 40004 }
    rememberListenPorts(dir, ports)
    const after = JSON.parse(readFileSync(configPath(dir), 'utf8')) as unknown
    expect(after).toEqual({ ...stored, listen: { ...stored.listen, ...ports } })
    expect(loadConfig(dir).listen).toEqual({ loopbackOnly: true, ipv6: false, ...ports })
    expect(existsSync(`${configPath(dir)}.tmp`)).toBe(false)
  })

  it('rememberListenPorts creates a minimal valid file when there is none', () => {
    const dir = tempDir()
    rememberListenPorts(dir, { tcpPort: 40001, wsPort: 40002 })
    expect(JSON.parse(readFileSync(configPath(dir), 'utf8'))).toEqual({
      listen: { tcpPort: 40001, wsPort: 40002 },
    })
    expect(loadConfig(dir)).toEqual({
      ...DEFAULTS,
      listen: { ...DEFAULTS.listen, tcpPort: 40001, wsPort: 40002 },
    })
  })

  it('rememberListenPorts refuses a damaged config.json with a ConfigError naming it, and leaves it untouched', () => {
    for (const content of ['{ "devnetName": "half written', 'null']) {
      const dir = withConfig(content)
      const before = readFileSync(configPath(dir))
      let error: unknown
      try {
        rememberListenPorts(dir, { tcpPort: 40001, wsPort: 40002 })
      } catch (err) {
        error = err
      }
      expect(readFileSync(configPath(dir)).equals(before)).toBe(true)
      expect(error, `content ${content}`).toBeInstanceOf(ConfigError)
      expect((error as Error).message).toContain(configPath(dir))
    }
  })
})

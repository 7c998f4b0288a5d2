import { describe, it, expect, beforeEach } from 'vitest'
import {
  ApiError,
  MAX_INVITE_LENGTH,
  RpcResponse,
  type HardwareSnapshot,
  type NetworkInfo,
  type NodeStatus,
  type PeerInfo,
  type RpcEvent,
  type TransportStats,
} from '../../../shared/api'
import { createApiClient } from '../../../shared/client'
import { createApiDispatcher, type ApiDispatcher, type ApiHandlers, type DispatcherLog } from './dispatcher'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const NETWORK: NetworkInfo = {
  networkId: 'ab'.repeat(32),
  name: 'Test net',
  isOwnDevnet: true,
  joinedAt: 1_700_000_000_000,
}
const JOINED: NetworkInfo = {
  networkId: 'cd'.repeat(32),
  name: 'Joined net',
  isOwnDevnet: false,
  joinedAt: 1_700_000_000_001,
}
const STATUS: NodeStatus = {
  peerId: PEER,
  falconFingerprint: '0123456789abcdef0123456789abcdef',
  network: NETWORK,
  listenAddresses: ['/ip4/127.0.0.1/tcp/4001'],
  startedAt: 1_700_000_000_000,
  uptimeMs: 1234,
  version: '0.1.0',
  mode: 'headless',
  transport: {
    name: 'STOQ (Noise_XXhfs_25519+MLKEM1024_ChaChaPoly_SHA256) over TCP/WebSockets, yamux',
    postQuantum: true,
  },
}
const PEER_INFO: PeerInfo = {
  peerId: PEER,
  addresses: ['/ip4/127.0.0.1/tcp/4001'],
  direction: 'inbound',
  connectedAt: 1_700_000_000_000,
  latencyMs: null,
  encryption: '/stoq/1.0.0',
  postQuantum: true,
}
const HARDWARE: HardwareSnapshot = {
  cpu: {
    model: 'Test CPU',
    vendor: 'Test',
    cores: 8,
    physicalCores: 4,
    speedGHz: 3.2,
    loadPercent: 12.5,
    temperatureC: null,
  },
  memory: { totalBytes: 16e9, usedBytes: 8e9, availableBytes: 8e9 },
  gpus: [
    {
      model: 'Test GPU',
      vendor: 'Test',
      vramBytes: null,
      utilizationPercent: null,
      memoryUsedBytes: null,
      temperatureC: null,
      source: 'systeminformation',
    },
  ],
  disks: [{ mount: '/', fsType: 'ext4', sizeBytes: 1e12, usedBytes: 5e11, availableBytes: 5e11 }],
  readAt: 1_700_000_000_000,
}

interface LogEntry {
  level: 'warn' | 'error'
  obj: object
  msg: string
}

let logged: LogEntry[]
let calls: { method: string; params: unknown }[]
let handlers: ApiHandlers
let dispatcher: ApiDispatcher

const TRANSPORT_STATS: TransportStats = {
  handshakes: { succeeded: 1, failed: 0, failuresByReason: {} },
  downgradesRefused: 0,
  handshakeMs: { p50: 30, p99: 30 },
  bytesSent: 10,
  bytesReceived: 20,
  sentBitsPerSecond: 0,
  receivedBitsPerSecond: 0,
  history: [],
  connections: [],
}
const log: DispatcherLog = {
  warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
}

beforeEach(() => {
  logged = []
  calls = []
  handlers = {
    'node.status': async (params) => (calls.push({ method: 'node.status', params }), STATUS),
    'peers.list': async (params) => (calls.push({ method: 'peers.list', params }), [PEER_INFO]),
    'transport.stats': async (params) => (calls.push({ method: 'transport.stats', params }), TRANSPORT_STATS),
    'hardware.snapshot': async (params) => (calls.push({ method: 'hardware.snapshot', params }), HARDWARE),
    'network.invite': async (params) => (
      calls.push({ method: 'network.invite', params }),
      { invite: 'hm1abc' }
    ),
    'network.join': async (params) => (calls.push({ method: 'network.join', params }), JOINED),
    'network.leave': async (params) => (calls.push({ method: 'network.leave', params }), NETWORK),
    'network.lanOffers': async (params) => (calls.push({ method: 'network.lanOffers', params }), []),
    'chain.status': async () => ({ available: false, reason: 'no chain in this test' }),
    'chain.blocks': async () => [],
    'chain.validators': async () => [],
    'chain.account': async ({ address }) => ({ address, balance: '0', bonded: '0', nonce: 0 }),
    'chain.job': async ({ jobId }) => ({ jobId, escrow: null, outvoted: [] }),
    'chain.transfer': async () => ({ txId: 'ab'.repeat(32), nonce: 0, status: 'pending' }),
    'chain.submitTx': async () => ({ txId: 'ab'.repeat(32), nonce: 0, status: 'pending' }),
    'chain.stake': async () => ({ txId: 'ab'.repeat(32), nonce: 1, status: 'pending' }),
    'chain.unstake': async () => ({ txId: 'ab'.repeat(32), nonce: 2, status: 'pending' }),
    'chain.joinValidators': async () => ({ txId: 'ab'.repeat(32), nonce: 3, status: 'pending' }),
    'chain.leaveValidators': async () => ({ txId: 'ab'.repeat(32), nonce: 4, status: 'pending' }),
    'chain.verifyBlock': async ({ height }) => ({ height, ok: true, failure: null, ms: 1 }),
    'sharing.state': async () => {
      throw new ApiError('BUSY', 'no sharing in this test')
    },
    'sharing.update': async () => {
      throw new ApiError('BUSY', 'no sharing in this test')
    },
    'files.beginUpload': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.uploadChunk': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.finishUpload': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.cancelUpload': async () => ({ cancelled: false }),
    'files.list': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.fetch': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.readChunk': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.check': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'files.remove': async () => {
      throw new ApiError('BUSY', 'no files in this test')
    },
    'rewards.status': async () => {
      throw new ApiError('BUSY', 'no rewards in this test')
    },
    'assets.list': async () => [],
    'assets.discover': async () => [],
    'assets.resolve': async () => {
      throw new Error('not used')
    },
    'assets.probeLease': async () => {
      throw new ApiError('BUSY', 'no assets in this test')
    },
    'assets.register': async () => {
      throw new ApiError('BUSY', 'no assets in this test')
    },
    'assets.issueLease': async () => {
      throw new ApiError('BUSY', 'no assets in this test')
    },
    'jobs.examples': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.beginUpload': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.uploadChunk': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.estimate': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.submit': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.list': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.get': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.cancel': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.readResult': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'jobs.provided': async () => {
      throw new ApiError('BUSY', 'no jobs in this test')
    },
    'gpu.status': async () => ({ adapter: null, host: null, reason: 'no GPU in this test', pages: 0 }),
    'gpu.attach': async () => {
      throw new ApiError('BUSY', 'no GPU in this test')
    },
    'gpu.detach': async () => ({ detached: false }),
    'gpu.poll': async () => ({ task: null }),
    'gpu.readTask': async () => {
      throw new ApiError('NOT_FOUND', 'no GPU in this test')
    },
    'gpu.output': async () => {
      throw new ApiError('NOT_FOUND', 'no GPU in this test')
    },
    'gpu.finish': async () => {
      throw new ApiError('NOT_FOUND', 'no GPU in this test')
    },
    'wallet.status': noWallet,
    'wallet.create': noWallet,
    'wallet.restore': noWallet,
    'wallet.checkWords': noWallet,
    'wallet.unlock': noWallet,
    'wallet.lock': noWallet,
    'wallet.changePassphrase': noWallet,
    'wallet.addAccount': noWallet,
    'wallet.exportBackup': noWallet,
    'wallet.importBackup': noWallet,
    'wallet.previewSend': noWallet,
    'wallet.send': noWallet,
    'wallet.contacts': noWallet,
    'wallet.saveContact': noWallet,
    'wallet.removeContact': noWallet,
    'chain.history': noWallet,
    'chain.setPayout': noWallet,
    'exchange.takeDelivery': noWallet,
    'exchange.offerShare': noWallet,
    'exchange.markets': noWallet,
    'exchange.book': noWallet,
    'exchange.preview': noWallet,
    'exchange.place': noWallet,
    'exchange.cancel': noWallet,
    'exchange.mine': noWallet,
  }
  dispatcher = createApiDispatcher(handlers, log)
})

/** Dispatches and checks that the answer is a well-formed response envelope. */
async function dispatch(request: unknown): Promise<RpcResponse> {
  const response = await dispatcher.dispatch(request)
  expect(RpcResponse.safeParse(response).success).toBe(true)
  return response
}

async function expectError(request: unknown, code: string, ...fragments: string[]): Promise<string> {
  const response = await dispatch(request)
  if (response.ok) throw new Error(`expected ${code}, got ok: ${JSON.stringify(response.result)}`)
  expect(response.error.code).toBe(code)
  for (const fragment of fragments) expect(response.error.message).toContain(fragment)
  return response.error.message
}

const noWallet = async (): Promise<never> => {
  throw new ApiError('NOT_FOUND', 'no wallet in this test')
}

describe('dispatch: valid calls', () => {
  it('answers a known method with the handler result and echoes the id', async () => {
    expect(await dispatch({ id: 7, method: 'node.status', params: {} })).toEqual({
      id: 7,
      ok: true,
      result: STATUS,
    })
    expect(await dispatch({ id: 8, method: 'hardware.snapshot', params: {} })).toEqual({
      id: 8,
      ok: true,
      result: HARDWARE,
    })
  })

  it('refuses an envelope without a params key, naming params', async () => {
    await expectError({ id: 1, method: 'peers.list' }, 'BAD_REQUEST', 'params')
    expect(calls).toEqual([])
  })

  it('hands the handler its validated params', async () => {
    const response = await dispatch({ id: 2, method: 'network.join', params: { invite: 'hm1xyz' } })
    expect(response).toEqual({ id: 2, ok: true, result: JOINED })
    expect(calls).toEqual([{ method: 'network.join', params: { invite: 'hm1xyz' } }])
  })

  it('strips fields of a result that the contract does not name', async () => {
    handlers['node.status'] = async () => ({ ...STATUS, secretKey: 'must not leave the node' }) as NodeStatus
    const response = await dispatch({ id: 3, method: 'node.status', params: {} })
    expect(response.ok).toBe(true)
    expect(JSON.stringify(response)).not.toContain('must not leave the node')
  })
})

describe('dispatch: refusals', () => {
  it('refuses an unknown method with UNKNOWN_METHOD, including inherited property names', async () => {
    for (const method of [
      'node.shutdown',
      'peers',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]) {
      await expectError({ id: 4, method, params: {} }, 'UNKNOWN_METHOD', method)
    }
    expect(calls).toEqual([])
  })

  it('refuses missing, wrong-typed and extra params naming the field, without calling the handler', async () => {
    await expectError({ id: 1, method: 'network.join', params: {} }, 'BAD_REQUEST', 'network.join', 'invite')
    await expectError({ id: 1, method: 'network.join', params: { invite: 5 } }, 'BAD_REQUEST', 'invite')
    await expectError({ id: 1, method: 'network.join', params: { invite: null } }, 'BAD_REQUEST', 'invite')
    await expectError({ id: 1, method: 'network.join', params: { invite: '' } }, 'BAD_REQUEST', 'invite')
    await expectError(
      { id: 1, method: 'network.join', params: { invite: 'x', extra: 1 } },
      'BAD_REQUEST',
      'extra',
    )
    await expectError({ id: 1, method: 'node.status', params: { verbose: true } }, 'BAD_REQUEST', 'verbose')
    for (const params of ['text', 42, [], null, true]) {
      await expectError({ id: 1, method: 'network.join', params }, 'BAD_REQUEST', 'network.join')
    }
    expect(calls).toEqual([])
  })

  it('refuses an invite longer than MAX_INVITE_LENGTH and accepts one at the limit', async () => {
    const atLimit = 'hm1' + '2'.repeat(MAX_INVITE_LENGTH - 3)
    await expectError(
      { id: 1, method: 'network.join', params: { invite: atLimit + '2' } },
      'BAD_REQUEST',
      'invite',
    )
    expect(calls).toEqual([])
    expect((await dispatch({ id: 2, method: 'network.join', params: { invite: atLimit } })).ok).toBe(true)
  })

  it('answers malformed envelopes with BAD_REQUEST and never throws', async () => {
    const envelopes: unknown[] = [
      null,
      undefined,
      'node.status',
      42,
      true,
      [],
      [{ id: 1, method: 'node.status' }],
      {},
      { method: 'node.status' },
      { id: '1', method: 'node.status' },
      { id: -1, method: 'node.status' },
      { id: 1.5, method: 'node.status' },
      { id: 1 },
      { id: 1, method: '' },
      { id: 1, method: 5 },
      { id: 1, method: 'x'.repeat(65) },
      { id: 1, method: 'node.status', params: {}, extra: 1 },
    ]
    for (const envelope of envelopes) {
      await expectError(envelope, 'BAD_REQUEST', 'malformed request')
    }
    expect(calls).toEqual([])
  })

  it('echoes a numeric id of a malformed envelope and uses 0 otherwise', async () => {
    expect((await dispatch({ id: 9, method: 5 })).id).toBe(9)
    expect((await dispatch(null)).id).toBe(0)
    expect((await dispatch({ id: 'nine', method: 'node.status' })).id).toBe(0)
  })
})

describe('dispatch: handler failures', () => {
  it('keeps the code and message of an ApiError a handler throws', async () => {
    handlers['network.join'] = async () => {
      throw new ApiError('INVALID_INVITE', 'the invite is damaged')
    }
    const response = await dispatch({ id: 5, method: 'network.join', params: { invite: 'hm1x' } })
    expect(response).toEqual({
      id: 5,
      ok: false,
      error: { code: 'INVALID_INVITE', message: 'the invite is damaged' },
    })
  })

  it('turns a plain Error into INTERNAL naming the method, and logs it', async () => {
    handlers['peers.list'] = async () => {
      throw new Error('database is locked')
    }
    await expectError(
      { id: 6, method: 'peers.list', params: {} },
      'INTERNAL',
      'peers.list',
      'database is locked',
    )
    expect(
      logged.some((e) => e.level === 'error' && (e.obj as { method?: string }).method === 'peers.list'),
    ).toBe(true)
  })

  it('turns a synchronous throw from a handler into INTERNAL', async () => {
    handlers['network.leave'] = (() => {
      throw new TypeError('boom')
    }) as unknown as ApiHandlers['network.leave']
    await expectError({ id: 6, method: 'network.leave', params: {} }, 'INTERNAL', 'network.leave')
  })

  it('turns a thrown non-Error value into INTERNAL and never rejects', async () => {
    for (const thrown of ['a string', 42, undefined, null]) {
      handlers['network.leave'] = async () => {
        throw thrown
      }
      const response = await dispatcher
        .dispatch({ id: 10, method: 'network.leave', params: {} })
        .catch((err: unknown) => {
          throw new Error(`dispatch rejected for a thrown ${String(thrown)}: ${String(err)}`)
        })
      expect(response.ok).toBe(false)
      if (!response.ok) {
        expect(response.error.code).toBe('INTERNAL')
        expect(response.error.message).toContain('network.leave')
      }
    }
  })

  it('answers INTERNAL when a handler returns a result that breaks the contract', async () => {
    const broken: [keyof ApiHandlers, unknown][] = [
      ['node.status', { ...STATUS, peerId: 'bad peer id 0OIl' }],
      ['node.status', undefined],
      ['peers.list', [{ ...PEER_INFO, direction: 'sideways' }]],
      ['network.invite', { invite: 42 }],
      ['network.leave', { ...NETWORK, networkId: 'AB'.repeat(32) }],
    ]
    for (const [method, result] of broken) {
      logged = []
      ;(handlers as Record<string, unknown>)[method] = async () => result
      await expectError({ id: 11, method, params: {} }, 'INTERNAL', method)
      expect(logged.filter((e) => e.level === 'error')).toHaveLength(1)
    }
  })
})

describe('events', () => {
  it('delivers a valid event to every subscriber', () => {
    const a: RpcEvent[] = []
    const b: RpcEvent[] = []
    dispatcher.subscribe((e) => a.push(e))
    dispatcher.subscribe((e) => b.push(e))
    dispatcher.emit('peers.changed', [PEER_INFO])
    dispatcher.emit('network.changed', JOINED)
    const expected = [
      { event: 'peers.changed', payload: [PEER_INFO] },
      { event: 'network.changed', payload: JOINED },
    ]
    expect(a).toEqual(expected)
    expect(b).toEqual(expected)
  })

  it('refuses to emit a payload that breaks the contract, and logs it', () => {
    const seen: RpcEvent[] = []
    dispatcher.subscribe((e) => seen.push(e))
    dispatcher.emit('peers.changed', [{ ...PEER_INFO, peerId: '' }])
    dispatcher.emit('network.changed', { ...JOINED, isOwnDevnet: 'no' } as unknown as NetworkInfo)
    dispatcher.emit('lan.offers', null as unknown as [])
    expect(seen).toEqual([])
    expect(logged.filter((e) => e.level === 'error')).toHaveLength(3)
  })

  it('stops delivery after unsubscribe, for that subscriber only', () => {
    const a: RpcEvent[] = []
    const b: RpcEvent[] = []
    const offA = dispatcher.subscribe((e) => a.push(e))
    dispatcher.subscribe((e) => b.push(e))
    dispatcher.emit('lan.offers', [])
    offA()
    dispatcher.emit('network.changed', NETWORK)
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(2)
  })

  it('keeps delivering to the other subscribers when one throws', () => {
    const before: RpcEvent[] = []
    const after: RpcEvent[] = []
    dispatcher.subscribe((e) => before.push(e))
    dispatcher.subscribe(() => {
      throw new Error('subscriber bug')
    })
    dispatcher.subscribe((e) => after.push(e))
    expect(() => dispatcher.emit('network.changed', NETWORK)).not.toThrow()
    expect(before).toHaveLength(1)
    expect(after).toHaveLength(1)
    expect(logged.filter((e) => e.level === 'warn')).toHaveLength(1)
  })
})

describe('typed client over the dispatcher', () => {
  it('carries calls, typed errors and events end to end', async () => {
    const client = createApiClient({
      call: (request) => dispatcher.dispatch(request),
      onEvent: (listener) => dispatcher.subscribe(listener),
    })
    expect(await client.call('node.status', {})).toEqual(STATUS)
    expect(await client.call('network.join', { invite: 'hm1abc' })).toEqual(JOINED)

    const failure = await client.call('network.join', { invite: '' }).catch((err: unknown) => err)
    expect(failure).toBeInstanceOf(ApiError)
    expect((failure as ApiError).code).toBe('BAD_REQUEST')

    const networks: NetworkInfo[] = []
    const off = client.on('network.changed', (n) => networks.push(n))
    dispatcher.emit('network.changed', JOINED)
    off()
    dispatcher.emit('network.changed', NETWORK)
    expect(networks).toEqual([JOINED])
  })
})

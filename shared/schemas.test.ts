import { describe, it, expect } from 'vitest'
import type { NetworkInfo } from './api'
import {
  ApiError,
  Empty,
  InviteText,
  MAX_INVITE_LENGTH,
  NetworkIdText,
  PeerIdText,
  RpcRequest,
  type HyperMeshBridge,
  type RpcEvent,
  type RpcRequest as RpcRequestType,
  type RpcResponse,
} from './api'
import { createApiClient } from './client'

const PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const NETWORK: NetworkInfo = { networkId: 'ab'.repeat(32), name: 'Test net', isOwnDevnet: false, joinedAt: 1 }

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }): string =>
  result.error?.issues[0]?.message ?? ''

describe('PeerIdText', () => {
  it('accepts an Ed25519 peer id', () => {
    expect(PeerIdText.parse(PEER)).toBe(PEER)
  })

  it('refuses characters outside base58btc with a clear message', () => {
    for (const bad of [
      '12D3KooW0pJ7As7BWAwRMfu1VU2W',
      '12D3KooWOpJ7As7BWAwRMfu1VU2W',
      '12D3KooWIpJ7As7BWAwRMfu1VU2W',
      '12D3KooWlpJ7As7BWAwRMfu1VU2W',
      '12D3KooW pJ7As7BWAwRMfu1VU2W',
      '12D3KooW-pJ7As7BWAwRMfu1VU2W',
      `${PEER}\n`,
    ]) {
      const result = PeerIdText.safeParse(bad)
      expect(result.success, bad).toBe(false)
      expect(firstMessage(result)).toBe('a peer id is base58btc text')
    }
  })

  it('refuses strings that are too short or too long, and non-strings', () => {
    for (const bad of ['', '12D3KooW', 'a'.repeat(15), 'a'.repeat(129), 42, null, undefined, {}]) {
      expect(PeerIdText.safeParse(bad).success, String(bad)).toBe(false)
    }
    expect(PeerIdText.safeParse('a'.repeat(16)).success).toBe(true)
    expect(PeerIdText.safeParse('a'.repeat(128)).success).toBe(true)
  })
})

describe('NetworkIdText', () => {
  it('accepts 64 lowercase hex characters', () => {
    expect(NetworkIdText.parse('0123456789abcdef'.repeat(4))).toBe('0123456789abcdef'.repeat(4))
  })

  it('refuses uppercase, short, long and non-hex ids with a clear message', () => {
    for (const bad of [
      'AB'.repeat(32),
      'aB'.repeat(32),
      'ab'.repeat(31),
      'ab'.repeat(32) + 'a',
      'g'.repeat(64),
      '',
      ` ${'ab'.repeat(32)}`,
    ]) {
      const result = NetworkIdText.safeParse(bad)
      expect(result.success, bad).toBe(false)
      expect(firstMessage(result)).toBe('a network id is 64 hex characters')
    }
  })
})

describe('params and envelope schemas', () => {
  it('InviteText takes exactly one non-empty invite of at most MAX_INVITE_LENGTH', () => {
    expect(InviteText.safeParse({ invite: 'hm1x' }).success).toBe(true)
    expect(InviteText.safeParse({ invite: 'x'.repeat(MAX_INVITE_LENGTH) }).success).toBe(true)
    for (const bad of [
      {},
      { invite: '' },
      { invite: 'x'.repeat(MAX_INVITE_LENGTH + 1) },
      { invite: 1 },
      { invite: 'x', more: 1 },
    ]) {
      expect(InviteText.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })

  it('Empty refuses extra keys', () => {
    expect(Empty.safeParse({}).success).toBe(true)
    expect(Empty.safeParse({ a: 1 }).success).toBe(false)
  })

  it('RpcRequest refuses bad ids, bad method names and unknown keys', () => {
    expect(RpcRequest.safeParse({ id: 0, method: 'node.status', params: {} }).success).toBe(true)
    for (const bad of [
      { id: -1, method: 'm', params: {} },
      { id: 1.5, method: 'm', params: {} },
      { id: '1', method: 'm', params: {} },
      { id: 1, method: '', params: {} },
      { id: 1, method: 'm'.repeat(65), params: {} },
      { id: 1, method: 'm', params: {}, extra: true },
    ]) {
      expect(RpcRequest.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
    }
  })
})

/** A bridge whose answers and events the test controls. */
function memoryBridge(answer: (request: RpcRequestType) => RpcResponse): {
  bridge: HyperMeshBridge
  push: (event: RpcEvent) => void
  requests: RpcRequestType[]
} {
  const listeners = new Set<(event: RpcEvent) => void>()
  const requests: RpcRequestType[] = []
  return {
    bridge: {
      call: async (request) => {
        requests.push(request)
        return answer(request)
      },
      onEvent: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    },
    push: (event) => {
      for (const listener of listeners) listener(event)
    },
    requests,
  }
}

describe('createApiClient', () => {
  it('returns a result that matches the contract, sending a fresh id per call', async () => {
    const { bridge, requests } = memoryBridge((r) => ({ id: r.id, ok: true, result: NETWORK }))
    const api = createApiClient(bridge)
    expect(await api.call('network.leave', {})).toEqual(NETWORK)
    expect(await api.call('network.join', { invite: 'hm1x' })).toEqual(NETWORK)
    expect(requests.map((r) => r.method)).toEqual(['network.leave', 'network.join'])
    expect(requests[1]?.params).toEqual({ invite: 'hm1x' })
    expect(new Set(requests.map((r) => r.id)).size).toBe(2)
  })

  it('refuses a result of the wrong shape with INTERNAL naming the method', async () => {
    for (const result of [
      { ...NETWORK, networkId: 'nope' },
      null,
      'text',
      [],
      { ...NETWORK, isOwnDevnet: 'yes' },
    ]) {
      const { bridge } = memoryBridge((r) => ({ id: r.id, ok: true, result }))
      const err = await createApiClient(bridge)
        .call('network.leave', {})
        .then(
          () => null,
          (e: unknown) => e,
        )
      expect(err, JSON.stringify(result)).toBeInstanceOf(ApiError)
      expect((err as ApiError).code).toBe('INTERNAL')
      expect((err as ApiError).message).toContain('network.leave')
    }
  })

  it('raises an error response as an ApiError with its code and message', async () => {
    const { bridge } = memoryBridge((r) => ({
      id: r.id,
      ok: false,
      error: { code: 'UNREACHABLE', message: 'no route' },
    }))
    const err = await createApiClient(bridge)
      .call('network.join', { invite: 'hm1x' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('UNREACHABLE')
    expect((err as ApiError).message).toBe('no route')
  })

  it('delivers valid events and drops malformed or unknown ones', () => {
    const { bridge, push } = memoryBridge((r) => ({ id: r.id, ok: true, result: null }))
    const api = createApiClient(bridge)
    const networks: NetworkInfo[] = []
    const peerLists: unknown[] = []
    api.on('network.changed', (n) => networks.push(n))
    api.on('peers.changed', (p) => peerLists.push(p))

    push({ event: 'network.changed', payload: { ...NETWORK, networkId: 'AB'.repeat(32) } })
    push({ event: 'network.changed', payload: null })
    push({ event: 'network.changed', payload: 'text' })
    push({ event: 'peers.changed', payload: [{ peerId: 'x' }] })
    push({ event: 'peers.changed', payload: {} })
    push({ event: 'no.such.event', payload: NETWORK })
    push({ event: '__proto__', payload: NETWORK })
    expect(networks).toEqual([])
    expect(peerLists).toEqual([])

    push({ event: 'network.changed', payload: NETWORK })
    push({ event: 'peers.changed', payload: [] })
    expect(networks).toEqual([NETWORK])
    expect(peerLists).toEqual([[]])
  })

  it('stops delivering an event to a listener after it unsubscribes', () => {
    const { bridge, push } = memoryBridge((r) => ({ id: r.id, ok: true, result: null }))
    const api = createApiClient(bridge)
    const a: NetworkInfo[] = []
    const b: NetworkInfo[] = []
    const offA = api.on('network.changed', (n) => a.push(n))
    api.on('network.changed', (n) => b.push(n))
    push({ event: 'network.changed', payload: NETWORK })
    offA()
    push({ event: 'network.changed', payload: NETWORK })
    expect(a).toHaveLength(1)
    expect(b).toHaveLength(2)
  })
})

/**
 * `/hypermesh/network/1.0.0`: which network is a peer on?
 *
 * The dialer sends Hello {networkId it wants to talk in}; the listener answers Welcome {its networkId, its
 * genesis}. Both sides then know whether they share a network. Messages are length-prefixed JSON, read
 * through a schema, at most {@link MAX_MESSAGE_BYTES}; anything else ends the stream with an error.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { z } from 'zod'
import { NetworkIdText, PeerIdText } from '../../../shared/schemas'
import { GenesisDocument, networkIdOf } from '../../consensus'

export const MEMBERSHIP_PROTOCOL = '/hypermesh/network/1.0.0'
/** A welcome carries the genesis, validators' FALCON keys included (about 2.5 KiB each, at most 1,000). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024
/** A hello is one network id. */
const MAX_HELLO_BYTES = 1024
export const MEMBERSHIP_TIMEOUT_MS = 10_000

export const Hello = z.object({ type: z.literal('hello'), networkId: NetworkIdText }).strict()
/** Members the listener knows, so a newcomer can reach the whole network, not only its inviter. */
export const MemberHint = z
  .object({ peerId: PeerIdText, addrs: z.array(z.string().max(256)).max(8) })
  .strict()
export const MAX_MEMBER_HINTS = 32
export const Welcome = z
  .object({
    type: z.literal('welcome'),
    networkId: NetworkIdText,
    genesis: GenesisDocument,
    members: z.array(MemberHint).max(MAX_MEMBER_HINTS),
  })
  .strict()
export type MemberHint = z.infer<typeof MemberHint>
export type Hello = z.infer<typeof Hello>
export type Welcome = z.infer<typeof Welcome>

export class MembershipProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MembershipProtocolError'
  }
}

const encode = (message: Hello | Welcome): Uint8Array => new TextEncoder().encode(JSON.stringify(message))

function decode<T>(schema: z.ZodType<T>, bytes: Uint8Array, what: string): T {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new MembershipProtocolError(`${what} is not JSON`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success)
    throw new MembershipProtocolError(`${what} is malformed: ${parsed.error.issues[0]?.message}`)
  return parsed.data
}

/** Dialer side: say which network we want, learn which one the peer is on (its genesis is checked). */
export async function exchangeHello(
  connection: Connection,
  ourNetworkId: string,
  signal?: AbortSignal,
): Promise<Welcome> {
  const abort = signal ?? AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS)
  const stream = await connection.newStream(MEMBERSHIP_PROTOCOL, { signal: abort })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    await lp.write(encode({ type: 'hello', networkId: ourNetworkId }), { signal: abort })
    const welcome = decode(Welcome, (await lp.read({ signal: abort })).subarray(), 'welcome')
    if (networkIdOf(welcome.genesis) !== welcome.networkId) {
      throw new MembershipProtocolError(
        'the peer sent a genesis that does not hash to the network id it claims',
      )
    }
    await stream.close({ signal: abort })
    return welcome
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Listener side: read Hello, answer Welcome for our network, return what the peer asked for. */
export async function answerHello(stream: Stream, welcome: Welcome, signal?: AbortSignal): Promise<Hello> {
  const abort = signal ?? AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS)
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_HELLO_BYTES })
    const hello = decode(Hello, (await lp.read({ signal: abort })).subarray(), 'hello')
    await lp.write(encode(welcome), { signal: abort })
    await stream.close({ signal: abort })
    return hello
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

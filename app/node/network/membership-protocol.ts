/**
 * `/hypermesh/network/2.0.0`: is a peer a member of this network?
 *
 * The dialer sends Hello: the network it wants to be a member of, and its proof, a credential
 * (./credential.ts) or an invite's token (./invite-token.ts). The listener checks the proof before it
 * says anything about its network. To a caller it does not admit, it answers Refused with a reason and no
 * more: not its genesis, not its members, not even whether it is on the network asked for. A caller with
 * a genuine invite of this listener learns whether the invite is still good. To a member it answers
 * Welcome: the network id and genesis, members to reach, its own credential (so the dialer can check the
 * listener too), and a credential for the dialer when it redeemed an invite or can be given a better one.
 *
 * Messages are length-prefixed JSON read through a schema, each bounded; anything else ends the stream.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import { z } from 'zod'
import { NetworkIdText, PeerIdText } from '../../../shared/schemas'
import { GenesisDocument, networkIdOf } from '../../consensus'
import { Credential } from './credential'

export const MEMBERSHIP_PROTOCOL = '/hypermesh/network/2.0.0'
/** A welcome carries the genesis, validators' FALCON keys included (about 2.5 KiB each, at most 1,000). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024
/** A hello carries at most a credential of four grants (about 4.5 KiB each). */
const MAX_HELLO_BYTES = 48 * 1024
export const MEMBERSHIP_TIMEOUT_MS = 10_000

const Hex32 = z.string().regex(/^[0-9a-f]{32}$/)
export const InviteProof = z
  .object({
    /** The network name the invite shows (its token covers it). */
    networkName: z.string().min(1).max(64),
    token: z
      .object({
        tokenId: Hex32,
        endsAt: z
          .number()
          .int()
          .min(0)
          .max(2 ** 48 - 1),
        mac: Hex32,
      })
      .strict(),
  })
  .strict()
export type InviteProof = z.infer<typeof InviteProof>

export const Hello = z
  .object({
    type: z.literal('hello'),
    /** Absent in a LAN probe, which asks only whether the peer speaks this protocol and claims nothing. */
    networkId: NetworkIdText.optional(),
    credential: Credential,
    invite: InviteProof.optional(),
  })
  .strict()
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
    /** The listener's own credential: empty when it is a root. */
    credential: Credential,
    /** A credential for the dialer: on redeeming an invite, or a renewal. */
    grant: Credential.optional(),
  })
  .strict()

export const REFUSAL_REASONS = [
  /** No proof, a proof that does not hold, or another network: the listener does not say which. */
  'not-admitted',
  /** The invite is not one this listener made (altered, or for another node). */
  'invite-invalid',
  'invite-expired',
  /** A genuine invite of this listener, to a network it is no longer on. */
  'invite-left',
  /** A genuine, current invite, but the listener can no longer admit anyone (its own credential ended). */
  'cannot-issue',
  /** Too many hellos from this peer; try later. */
  'busy',
] as const
export const Refused = z
  .object({ type: z.literal('refused'), reason: z.enum(REFUSAL_REASONS), message: z.string().max(300) })
  .strict()
export const Answer = z.discriminatedUnion('type', [Welcome, Refused])

export type MemberHint = z.infer<typeof MemberHint>
export type Hello = z.infer<typeof Hello>
export type Welcome = z.infer<typeof Welcome>
export type Refused = z.infer<typeof Refused>
export type RefusalReason = Refused['reason']
export type Answer = z.infer<typeof Answer>

export class MembershipProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MembershipProtocolError'
  }
}

const encode = (message: Hello | Answer): Uint8Array => new TextEncoder().encode(JSON.stringify(message))

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

/** A hello as the listener reads it: the one message, or MembershipProtocolError. */
export const decodeHello = (bytes: Uint8Array): Hello => decode(Hello, bytes, 'hello')

/** An answer as the dialer reads it (before the genesis check): the one message, or MembershipProtocolError. */
export const decodeAnswer = (bytes: Uint8Array): Answer => decode(Answer, bytes, 'answer')

/** Dialer side: show our proof, learn whether we are admitted (a welcome's genesis is checked). */
export async function exchangeHello(
  connection: Connection,
  hello: Hello,
  signal?: AbortSignal,
): Promise<Answer> {
  const abort = signal ?? AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS)
  const stream = await connection.newStream(MEMBERSHIP_PROTOCOL, { signal: abort })
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    await lp.write(encode(hello), { signal: abort })
    const answer = decodeAnswer((await lp.read({ signal: abort })).subarray())
    if (answer.type === 'welcome' && networkIdOf(answer.genesis) !== answer.networkId) {
      throw new MembershipProtocolError(
        'the peer sent a genesis that does not hash to the network id it claims',
      )
    }
    await stream.close({ signal: abort })
    return answer
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Listener side: read Hello, answer what `decide` makes of it. Returns both. */
export async function answerHello(
  stream: Stream,
  decide: (hello: Hello) => Promise<Answer>,
  signal?: AbortSignal,
): Promise<{ hello: Hello; answer: Answer }> {
  const abort = signal ?? AbortSignal.timeout(MEMBERSHIP_TIMEOUT_MS)
  try {
    const lp = lpStream(stream, { maxDataLength: MAX_HELLO_BYTES })
    const hello = decodeHello((await lp.read({ signal: abort })).subarray())
    const answer = await decide(hello)
    await lp.write(encode(answer), { signal: abort })
    await stream.close({ signal: abort })
    return { hello, answer }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

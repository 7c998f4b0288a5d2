/**
 * Joining by invite: dial the peer the invite names, show it the invite's token, and take the credential
 * it gives for this node's peer id and FALCON key. On any failure nothing is kept and the error says what
 * the person joining can do.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { ApiError } from '../../../shared/api'
import { networkIdOf, type GenesisDocument } from '../../consensus'
import { callerOf, type Admission } from './admission'
import type { Credential } from './credential'
import type { Invite } from './invite'
import type { Refused, Welcome } from './membership-protocol'
import type { NetworkStore, StoredNetwork } from './network-store'
import { probePeer } from './probe'

export interface JoinParts {
  libp2p: Libp2p
  admission: Admission
  store: Pick<NetworkStore, 'getNetwork'>
  /** Peers being probed: the membership check on new connections leaves them alone. */
  probing: Set<string>
  /** Whether a connection stays although its peer is no member (a shared asset admits it). */
  keepsOutsider(connection: Connection): boolean
}

/** Redeems `invite` at the peer it names: its welcome, the open connection, and this node's credential. */
export async function redeemInvite(
  invite: Invite,
  parts: JoinParts,
): Promise<{ welcome: Welcome; connection: Connection; credential: Credential }> {
  const { networkId } = invite
  const self = parts.libp2p.peerId.toString()
  const targets = invite.addresses.filter((a) => a.getComponents().at(-1)?.value !== self)
  const peer = targets[0]?.getComponents().at(-1)?.value
  if (peer == null) throw new ApiError('INVALID_INVITE', 'this invite points only at this node itself')
  const hello = parts.admission.hello(networkId, parts.store.getNetwork(networkId), {
    networkName: invite.networkName,
    token: invite.token,
  })
  const result = await probePeer(parts.libp2p, peer, targets, hello, parts.probing)
  if (result.kind === 'unreachable')
    throw new ApiError('UNREACHABLE', `could not reach the network: ${result.reason}`)
  const { answer, connection } = result
  const drop = async (): Promise<void> => {
    if (!parts.keepsOutsider(connection)) await connection.close().catch(() => {})
  }
  if (answer.type === 'refused') {
    await drop()
    throw joinRefusal(answer, networkId)
  }
  const network = storedFrom(answer.genesis)
  const accepted = await parts.admission.acceptWelcome(answer, callerOf(connection), networkId, network, true)
  if (!accepted.ok || accepted.grant == null) {
    await drop()
    throw new ApiError(
      'WRONG_NETWORK',
      `the node this invite names did not admit this node properly (${accepted.ok ? 'no credential' : accepted.reason}); ask for a fresh invite`,
    )
  }
  return { welcome: answer, connection, credential: accepted.grant }
}

const short = (id: string): string => `${id.slice(0, 8)}…`

/** A network as a welcome describes it, before it is stored. */
const storedFrom = (genesis: GenesisDocument): StoredNetwork => ({
  networkId: networkIdOf(genesis),
  name: genesis.name,
  genesis,
  ownDevnet: false,
  joinedAt: Date.now(),
})

/** What the inviting node's refusal means for the person joining. */
function joinRefusal(refused: Refused, networkId: string): ApiError {
  switch (refused.reason) {
    case 'invite-left':
      return new ApiError(
        'WRONG_NETWORK',
        `the invite is for network ${short(networkId)}, but the node that made it is no longer on that network; ask for a fresh invite`,
      )
    case 'invite-expired':
      return new ApiError(
        'INVALID_INVITE',
        `this invite has expired (${refused.message}); ask for a fresh invite`,
      )
    case 'invite-invalid':
      return new ApiError(
        'INVALID_INVITE',
        'the node this invite names did not make it (it was altered, or belongs to another node); ask for a fresh invite',
      )
    case 'cannot-issue':
      return new ApiError(
        'WRONG_NETWORK',
        `the node this invite names cannot admit anyone now: ${refused.message}`,
      )
    case 'busy':
      return new ApiError('BUSY', `the inviting node is busy: ${refused.message}`)
    case 'not-admitted':
      return new ApiError(
        'WRONG_NETWORK',
        `the node this invite names did not admit this node: ${refused.message}`,
      )
  }
}

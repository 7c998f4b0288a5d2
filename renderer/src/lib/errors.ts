/** Short headlines for the errors a join or leave can meet; the node's own message follows them. */
import type { ApiErrorCode } from '../../../shared/api'

const headlines: Partial<Record<ApiErrorCode, string>> = {
  INVALID_INVITE: 'That invite is not valid',
  WRONG_NETWORK: 'That peer belongs to a different network',
  UNREACHABLE: 'Could not reach that network',
  BUSY: 'Your node is busy — try again in a moment',
  DISCONNECTED: 'Lost the connection to your node',
  BAD_REQUEST: 'The node refused the request',
}

export function joinErrorHeadline(code: ApiErrorCode): string {
  return headlines[code] ?? 'Could not change network'
}

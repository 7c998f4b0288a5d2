/**
 * The browser-mode access token. `npm start` prints a URL like `http://127.0.0.1:7777/#token=…`; the token
 * rides in the fragment (never sent to a server in a request line), is kept in sessionStorage so a reload
 * works, and is removed from the visible URL.
 */
export const TOKEN_STORAGE_KEY = 'hypermesh.token'

/** The token in a location hash such as `#token=abc` or `#x=1&token=abc`, and the hash without it. */
export function parseTokenFromHash(hash: string): { token: string | null; rest: string } {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const token = params.get('token')?.trim() || null
  params.delete('token')
  const rest = params.toString()
  return { token, rest: rest === '' ? '' : `#${rest}` }
}

export interface TokenEnvironment {
  hash: string
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null
  /** Replace the visible URL's fragment without reloading or adding a history entry. */
  replaceHash(hash: string): void
}

/** The token from the URL (stored for reloads and scrubbed from the URL) or else from sessionStorage. */
export function resolveToken(env: TokenEnvironment): string | null {
  const { token, rest } = parseTokenFromHash(env.hash)
  if (token != null) {
    try {
      env.storage?.setItem(TOKEN_STORAGE_KEY, token)
    } catch {
      // storage may be disabled; the token still works for this page load
    }
    env.replaceHash(rest)
    return token
  }
  try {
    return env.storage?.getItem(TOKEN_STORAGE_KEY) || null
  } catch {
    return null
  }
}

export function forgetToken(storage: TokenEnvironment['storage']): void {
  try {
    storage?.removeItem(TOKEN_STORAGE_KEY)
  } catch {
    // nothing to forget
  }
}

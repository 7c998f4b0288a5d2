import { Logo } from './Logo'

/** Shown when there is no access token, or the node refused it. */
export function AuthRequired({ refused = false }: { refused?: boolean }) {
  return (
    <main className="auth" data-testid="auth-required">
      <div className="auth-panel">
        <div className="brand">
          <Logo />
          <span className="brand-name">HyperMesh</span>
        </div>
        <h1>Access token required</h1>
        <p role="alert">
          {refused
            ? 'Your node did not accept the access token this page was opened with.'
            : 'This page needs the access token of your HyperMesh node.'}
        </p>
        <p>
          Open the URL that <code className="mono">npm start</code> printed in your terminal. It looks like{' '}
          <code className="mono">http://127.0.0.1:PORT/#token=…</code> and carries the token, which stays in
          this tab only.
        </p>
      </div>
    </main>
  )
}

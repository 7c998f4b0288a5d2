/** The HyperMesh mark: three linked nodes. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <path className="logo-edge" d="M16 6 L6 24 L26 24 Z" />
      <circle className="logo-node" cx="16" cy="6" r="4" />
      <circle className="logo-node" cx="6" cy="24" r="4" />
      <circle className="logo-node" cx="26" cy="24" r="4" />
    </svg>
  )
}

/**
 * A QR code of an address, for a phone or another wallet to read. Drawn as SVG from the code's modules
 * (the `qrcode` package encodes; React draws), so it is crisp at any size and needs no canvas or inline
 * markup, which the page's Content-Security-Policy would have to allow.
 */
import QRCode from 'qrcode'
import { useMemo } from 'react'

/** The quiet zone around the code, in modules: the standard asks for 4. */
const MARGIN = 4

/** The SVG path of the code's dark modules, one unit square each, and the code's size in modules. */
export function qrPathOf(text: string): { size: number; path: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const squares: string[] = []
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) squares.push(`M${col + MARGIN} ${row + MARGIN}h1v1h-1z`)
  return { size: modules.size + 2 * MARGIN, path: squares.join('') }
}

export function AddressQr({ address, label }: { address: string; label: string }) {
  const { size, path } = useMemo(() => qrPathOf(address), [address])
  return (
    <svg
      className="address-qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      data-testid="address-qr"
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}

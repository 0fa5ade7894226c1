import { correction, generate } from 'lean-qr'
import { toSvgSource } from 'lean-qr/extras/svg'

/**
 * `text` as a QR code in SVG source, rendered on the server (no script or network on the page).
 * Medium error correction; a four-module quiet zone as the standard asks.
 */
export function renderQrSvg(text: string): string {
  const code = generate(text, { minCorrectionLevel: correction.M })
  return toSvgSource(code, { on: '#000', off: '#fff', pad: 4, xmlDeclaration: false })
}

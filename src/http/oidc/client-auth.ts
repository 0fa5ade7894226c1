import { OAuthError } from '../../core/oidc/errors.ts'
import { decodeBase64Url } from '../../core/random.ts'
import type { ClientCredentials } from '../../services/clients.ts'

/**
 * Who the request says it is, from `client_secret_basic` (the Authorization header, each part
 * form-urlencoded: RFC 6749 §2.3.1), `client_secret_post` (the body) or `none` (a public app's
 * `client_id` alone). Two methods at once, or none at all, is `invalid_request`.
 */
export function readClientCredentials(
  authorization: string | undefined,
  body: Map<string, string>,
): ClientCredentials & { basic: boolean } {
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1]
  const bodySecret = body.get('client_secret')
  const bodyId = body.get('client_id')
  if (basic !== undefined) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method')
    }
    const [id, secret] = decodeBasic(basic)
    if (bodyId !== undefined && bodyId !== id) {
      throw new OAuthError('invalid_request', 'client_id does not match the credentials')
    }
    return { clientId: id, secret, basic: true }
  }
  if (authorization !== undefined) {
    throw new OAuthError('invalid_client', 'Unsupported client authentication')
  }
  if (!bodyId) throw new OAuthError('invalid_client', 'Client authentication failed')
  return {
    clientId: bodyId,
    ...(bodySecret === undefined ? {} : { secret: bodySecret }),
    basic: false,
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

function decodeBasic(encoded: string): [string, string] {
  let decoded: string
  try {
    decoded = UTF8.decode(decodeBase64Url(encoded))
  } catch {
    throw new OAuthError('invalid_client', 'Client authentication failed')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new OAuthError('invalid_client', 'Client authentication failed')
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))]
  } catch {
    throw new OAuthError('invalid_client', 'Client authentication failed')
  }
}

/** A form-urlencoded part; our ids and secrets have nothing to decode, so they skip the work. */
function formDecode(part: string): string {
  return /[%+]/.test(part) ? decodeURIComponent(part.replace(/\+/g, ' ')) : part
}

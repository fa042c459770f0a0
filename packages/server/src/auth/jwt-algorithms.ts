/**
 * The three algorithms icelane accepts, each bound to one key type, so a token cannot pick how
 * its own key is read (an RSA public key used as an HMAC secret, say). jose binds them too; the
 * key set filters with the same rule first, so an unfitting key is never tried.
 */
import type { KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

/** RSA keys shorter than this are refused (RFC 7518 §3.3 asks for at least 2048 bits). */
export const MIN_RSA_BITS = 2048;

/** Whether `key` is the kind of public key `alg` is defined for. */
export function keyFitsAlgorithm(key: KeyObject, alg: JwtAlgorithm): boolean {
  if (key.type !== 'public') return false;
  const details = key.asymmetricKeyDetails;
  if (alg === 'RS256') {
    return key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
  }
  if (alg === 'ES256') {
    return key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
  }
  return false;
}

/**
 * Signature checks for the three algorithms icelane accepts, on node:crypto alone. Each
 * algorithm is bound to one key type, so a token cannot pick how its own key is read (an RSA
 * public key used as an HMAC secret, say).
 */
import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

/** RSA keys shorter than this are refused (RFC 7518 §3.3 asks for at least 2048 bits). */
export const MIN_RSA_BITS = 2048;

export function isJwtAlgorithm(alg: string): alg is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly string[]).includes(alg);
}

/** HMAC-SHA256 over the signing input, compared in constant time. */
export function verifyHs256(secret: Buffer, signingInput: string, signature: Buffer): boolean {
  const expected = createHmac('sha256', secret).update(signingInput).digest();
  // The length of an HS256 signature is public (32 bytes); only the content is compared blind.
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}

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

/** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) or ES256 (ECDSA P-256, raw `r‖s` signature). */
export function verifyWithPublicKey(
  alg: Exclude<JwtAlgorithm, 'HS256'>,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  if (!keyFitsAlgorithm(key, alg)) return false;
  const data = Buffer.from(signingInput);
  if (alg === 'ES256') {
    if (signature.length !== 64) return false;
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  return verify('sha256', data, key, signature);
}

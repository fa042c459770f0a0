/**
 * Signs join tokens the way an app's backend would, with node:crypto, including the broken and
 * hostile tokens the server must refuse (jose will not sign those: a header naming another
 * algorithm than the signature's, `alg: none` with a signature part). Synchronous, so a test can
 * build its cases in a table. jwt-jose.test.ts checks it writes byte for byte what jose writes.
 */
import {
  createHmac,
  generateKeyPairSync,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

export type Claims = Record<string, unknown>;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Seconds since the epoch, `offsetS` from now. */
export const inSeconds = (offsetS: number) => Math.floor(Date.now() / 1000) + offsetS;

/** A token signed with HMAC-SHA256. */
export function hs256(secret: string | Buffer, claims: Claims, header: Claims = {}): string {
  const input = `${encode({ alg: 'HS256', typ: 'JWT', ...header })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsigned token (`alg: none`). */
export function unsigned(claims: Claims): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  /** The public half as a JWK, as a key server publishes it. */
  jwk: JsonWebKey;
  sign(claims: Claims, header?: Claims): string;
}

/** A fresh key pair for RS256 (RSA 2048) or ES256 (P-256). */
export function signingKey(alg: 'RS256' | 'ES256', kid: string): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    privateKey,
    jwk,
    sign(claims, header = {}) {
      const input = `${encode({ alg, typ: 'JWT', kid, ...header })}.${encode(claims)}`;
      const signature = sign(
        'sha256',
        Buffer.from(input),
        alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey,
      );
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}

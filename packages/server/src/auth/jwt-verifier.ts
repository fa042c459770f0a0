/**
 * Verifies join tokens with jose: HS256 with a shared secret, or RS256/ES256 with the keys of a
 * JWKS URL. One of the two, never both, so a token cannot choose between a secret and a public
 * key. jose parses the token, holds it to the allowed algorithms (never `none`), binds the key
 * type to the algorithm, checks the signature and the registered claims; which keys are fetched
 * and when stays with the key set here (jwks.ts).
 */
import type { KeyObject } from 'node:crypto';
import { jwtVerify, type JWSHeaderParameters } from 'jose';
import { claimOptions, grantOf, type ClaimExpectations, type JoinGrant } from './jwt-claims.js';
import { JwtError, refusalOf } from './jwt-error.js';
import type { JwtAlgorithm } from './jwt-algorithms.js';
import { createJwksKeys, jwksDefaults, type JwksKeys, type JwksOptions } from './jwks.js';

/** An HS256 secret or a public key from the key set. */
type SigningKey = Uint8Array | KeyObject;

/** HS256 secrets shorter than this are refused: RFC 7518 §3.2 asks for at least 256 bits. */
export const MIN_SECRET_BYTES = 32;

export interface JwtVerifierOptions extends ClaimExpectations {
  /** The HS256 shared secret (`ICELANE_JWT_SECRET`); `null` when keys come from a JWKS. */
  secret: string | null;
  /** Where the RS256/ES256 public keys are (`ICELANE_JWT_JWKS_URL`); `null` with a secret. */
  jwksUrl: string | null;
  /** Longer tokens are refused unread. */
  maxTokenLength: number;
  /** How the JWKS is fetched and cached. */
  jwks: Omit<JwksOptions, 'url' | 'now' | 'fetch'>;
  now: () => number;
  fetch: typeof fetch;
}

export const jwtVerifierDefaults: JwtVerifierOptions = {
  secret: null,
  jwksUrl: null,
  issuer: null,
  audience: null,
  requireExpiry: true,
  clockSkewMs: 30_000,
  maxTokenLength: 8 * 1024,
  jwks: {
    timeoutMs: jwksDefaults.timeoutMs,
    minRefetchMs: jwksDefaults.minRefetchMs,
    maxAgeMs: jwksDefaults.maxAgeMs,
    maxBytes: jwksDefaults.maxBytes,
    maxKeysWithoutKid: jwksDefaults.maxKeysWithoutKid,
  },
  now: () => Date.now(),
  fetch: (input, init) => fetch(input, init),
};

/** The verified token: every claim, and what it grants. */
export interface VerifiedJwt extends JoinGrant {
  claims: Record<string, unknown>;
}

export interface JwtVerifier {
  /** Resolves with the verified claims, or rejects with a {@link JwtError} saying why not. */
  verify(token: string): Promise<VerifiedJwt>;
}

export type JwtVerifierInput = Partial<Omit<JwtVerifierOptions, 'jwks'>> & {
  jwks?: Partial<JwtVerifierOptions['jwks']>;
};

/**
 * Throws at construction on a configuration that cannot work; the message never holds the secret.
 *
 * @example
 * const verifier = createJwtVerifier({ jwksUrl: 'https://auth.example/.well-known/jwks.json' });
 * const { claims, room } = await verifier.verify(token);
 */
export function createJwtVerifier(options: JwtVerifierInput): JwtVerifier {
  const o: JwtVerifierOptions = {
    ...jwtVerifierDefaults,
    ...options,
    jwks: { ...jwtVerifierDefaults.jwks, ...options.jwks },
  };
  if (o.secret !== null && o.jwksUrl !== null) {
    throw new Error('JWT: give either a shared secret or a JWKS URL, not both');
  }
  if (o.secret === null && o.jwksUrl === null) {
    throw new Error('JWT: a shared secret or a JWKS URL is needed');
  }
  if (o.secret !== null && Buffer.byteLength(o.secret) < MIN_SECRET_BYTES) {
    throw new Error(`JWT: the shared secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (o.jwksUrl !== null && !/^https?:\/\//.test(o.jwksUrl)) {
    throw new Error('JWT: the JWKS URL must be an http(s) URL');
  }
  const secret = o.secret === null ? null : Buffer.from(o.secret);
  const jwks: JwksKeys | null =
    o.jwksUrl === null
      ? null
      : createJwksKeys({ ...o.jwks, url: o.jwksUrl, now: o.now, fetch: o.fetch });
  const algorithms: JwtAlgorithm[] = secret === null ? ['RS256', 'ES256'] : ['HS256'];

  /** The keys that may have signed a token with `header`; jose has checked its `alg` already. */
  const keysFor = async (header: JWSHeaderParameters): Promise<SigningKey[]> => {
    if (secret !== null) return [secret];
    if (header.kid !== undefined && typeof header.kid !== 'string') {
      throw new JwtError('malformed', 'the header kid is not a string');
    }
    return jwks!.keysFor(header.kid, header.alg as JwtAlgorithm);
  };

  return {
    async verify(token) {
      if (token.length > o.maxTokenLength) {
        throw new JwtError('malformed', `the token is longer than ${o.maxTokenLength} characters`);
      }
      const options = { ...claimOptions(o, o.now()), algorithms };
      // Several keys fit a token without `kid`: each is tried in turn, jose checking the token
      // afresh (the key set caps how many).
      let candidates: SigningKey[] = [];
      const keyFor = async (header: JWSHeaderParameters, attempt: number) => {
        if (attempt === 0) candidates = await keysFor(header);
        return candidates[attempt]!;
      };
      for (let attempt = 0; ; attempt++) {
        try {
          const verified = await jwtVerify(token, (header) => keyFor(header, attempt), options);
          const claims = verified.payload as Record<string, unknown>;
          return { ...grantOf(claims), claims };
        } catch (error) {
          const refusal = refusalOf(error);
          const badSignature = refusal instanceof JwtError && refusal.reason === 'bad-signature';
          if (badSignature && attempt + 1 < candidates.length) continue;
          throw refusal;
        }
      }
    },
  };
}

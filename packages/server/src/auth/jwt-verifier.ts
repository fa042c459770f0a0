/**
 * Verifies join tokens: HS256 with a shared secret, or RS256/ES256 with the keys of a JWKS URL.
 * One of the two, never both, so a token cannot choose between a secret and a public key.
 */
import { checkClaims, type ClaimExpectations, type JoinGrant } from './jwt-claims.js';
import { JwtError } from './jwt-error.js';
import { parseJwt } from './jwt-parse.js';
import { isJwtAlgorithm, verifyHs256, verifyWithPublicKey } from './jwt-signature.js';
import { createJwksKeys, jwksDefaults, type JwksKeys, type JwksOptions } from './jwks.js';

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

  return {
    async verify(token) {
      const jwt = parseJwt(token, o.maxTokenLength);
      const { alg, kid } = jwt.header;
      if (!isJwtAlgorithm(alg) || (secret !== null) !== (alg === 'HS256')) {
        throw new JwtError('unsupported-alg', `the algorithm ${describeAlg(alg)} is not accepted`);
      }
      let valid: boolean;
      if (alg === 'HS256') {
        valid = verifyHs256(secret!, jwt.signingInput, jwt.signature);
      } else {
        const keys = await jwks!.keysFor(kid, alg);
        valid = keys.some((key) => verifyWithPublicKey(alg, key, jwt.signingInput, jwt.signature));
      }
      if (!valid) throw new JwtError('bad-signature', 'the token signature does not verify');
      const grant = checkClaims(jwt.claims, o, o.now());
      return { ...grant, claims: jwt.claims };
    },
  };
}

/** The header's `alg` for a message: a known name, or a short hint that it is something else. */
function describeAlg(alg: string): string {
  return /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : '(unrecognized)';
}

/**
 * The registered claims a join token must satisfy, as a pure function of the claims, the
 * expectations and the time.
 */
import { JwtError } from './jwt-error.js';

export interface ClaimExpectations {
  /** `iss` must equal this; `null` accepts any issuer. */
  issuer: string | null;
  /** `aud` (a string or an array) must contain this; `null` accepts any audience. */
  audience: string | null;
  /** Tokens without `exp` are refused: a join token should not be good forever. */
  requireExpiry: boolean;
  /** Clock difference tolerated on `exp` and `nbf`. */
  clockSkewMs: number;
}

/** What the server takes from verified claims. */
export interface JoinGrant {
  /** The only room the token admits; `undefined`: any room. */
  room: string | undefined;
}

export function checkClaims(
  claims: Record<string, unknown>,
  expect: ClaimExpectations,
  nowMs: number,
): JoinGrant {
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  if (exp === undefined && expect.requireExpiry) {
    throw new JwtError('bad-claim', 'the token has no exp claim');
  }
  if (exp !== undefined && nowMs >= exp * 1000 + expect.clockSkewMs) {
    throw new JwtError('expired', 'the token has expired');
  }
  if (nbf !== undefined && nowMs < nbf * 1000 - expect.clockSkewMs) {
    throw new JwtError('not-yet-valid', 'the token is not valid yet');
  }
  if (expect.issuer !== null && claims.iss !== expect.issuer) {
    throw new JwtError('wrong-issuer', 'the token was issued by someone else');
  }
  if (expect.audience !== null && !audienceIncludes(claims.aud, expect.audience)) {
    throw new JwtError('wrong-audience', 'the token is meant for another audience');
  }
  const room = claims.room;
  if (room !== undefined && typeof room !== 'string') {
    throw new JwtError('bad-claim', 'the room claim is not a string');
  }
  return { room };
}

function numericDate(claims: Record<string, unknown>, name: 'exp' | 'nbf'): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JwtError('bad-claim', `the ${name} claim is not a number`);
  }
  return value;
}

function audienceIncludes(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.includes(expected);
}

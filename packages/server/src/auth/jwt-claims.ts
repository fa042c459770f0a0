/**
 * The registered claims a join token must satisfy, as jose's claim options (`exp`, `nbf`, `iss`,
 * `aud`), and the one claim of icelane's own (`room`).
 */
import type { JWTVerifyOptions } from 'jose';
import { JwtError } from './jwt-error.js';

export interface ClaimExpectations {
  /** `iss` must equal this; `null` accepts any issuer. */
  issuer: string | null;
  /** `aud` (a string or an array) must contain this; `null` accepts any audience. */
  audience: string | null;
  /**
   * Tokens without `exp` are refused: a join token should not be good forever. jose accepts a
   * token without `exp` unless told otherwise.
   */
  requireExpiry: boolean;
  /** Clock difference tolerated on `exp` and `nbf`. */
  clockSkewMs: number;
}

/** What the server takes from verified claims. */
export interface JoinGrant {
  /** The only room the token admits; `undefined`: any room. */
  room: string | undefined;
}

/** jose's claim checks for `expect` at `nowMs`. */
export function claimOptions(expect: ClaimExpectations, nowMs: number): JWTVerifyOptions {
  return {
    ...(expect.issuer === null ? {} : { issuer: expect.issuer }),
    ...(expect.audience === null ? {} : { audience: expect.audience }),
    requiredClaims: expect.requireExpiry ? ['exp'] : [],
    clockTolerance: expect.clockSkewMs / 1000,
    currentDate: new Date(nowMs),
  };
}

/** The room a verified token admits; refuses a `room` claim that is not a string. */
export function grantOf(claims: Record<string, unknown>): JoinGrant {
  const room = claims.room;
  if (room !== undefined && typeof room !== 'string') {
    throw new JwtError('bad-claim', 'the room claim is not a string');
  }
  return { room };
}

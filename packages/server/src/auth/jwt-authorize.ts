/**
 * The built-in JWT check as an `Authorize` hook: a valid token admits its `room` claim's room
 * (any room without one), and `GET /ice` with any valid token.
 */
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { AuthDecision, AuthRequest, Authorize } from '../clients/authorize.js';
import { JwtError, type JwtRefusal } from './jwt-error.js';
import { createJwtVerifier, type JwtVerifierInput, type VerifiedJwt } from './jwt-verifier.js';

export interface JwtAuthorizeDeps {
  /** Refusals are logged at info with their reason (never the token). @default silentLogger */
  logger?: Logger;
  /**
   * An extra rule on the verified token (a role claim, a ban list): its decision is combined
   * with the token's room, as {@link allOf} does.
   */
  authorizeClaims?: (jwt: VerifiedJwt, request: AuthRequest) => Promise<AuthDecision>;
}

/**
 * What a client is told of a refused token: enough to act on (fetch a fresh token, fix the
 * clock), and no more: a forger learns nothing from which check failed.
 */
const PUBLIC_REASONS: Record<JwtRefusal, string> = {
  'missing-token': 'a join token is required',
  malformed: 'the join token is invalid',
  'unsupported-alg': 'the join token is invalid',
  'unknown-key': 'the join token is invalid',
  'bad-signature': 'the join token is invalid',
  'bad-claim': 'the join token is invalid',
  expired: 'the join token has expired',
  'not-yet-valid': 'the join token is not valid yet',
  'wrong-issuer': 'the join token is not meant for this server',
  'wrong-audience': 'the join token is not meant for this server',
  'keys-unavailable': 'the join token cannot be checked now',
};

function isRefusal(decision: AuthDecision): decision is { refused: string } {
  return typeof decision === 'object' && decision !== null && 'refused' in decision;
}

/**
 * Refuses a missing or invalid token. When the signing keys cannot be fetched it rejects, so the
 * join is refused and the reason logged as a failure of the hook, not as a bad token.
 *
 * @example
 * const authorize = createJwtAuthorize({ secret: process.env.JWT_SECRET!, issuer: 'my-app' });
 * createIcelaneServer(http, { iceSource, authorize });
 */
export function createJwtAuthorize(
  options: JwtVerifierInput,
  deps: JwtAuthorizeDeps = {},
): Authorize {
  const verifier = createJwtVerifier(options);
  const logger = deps.logger ?? silentLogger;
  const refuse = (reason: JwtRefusal, request: AuthRequest): AuthDecision => {
    logger.info('join token refused', { reason, room: request.room ?? null });
    return { refused: PUBLIC_REASONS[reason] };
  };

  return async (request) => {
    if (!request.token) return refuse('missing-token', request);
    let jwt: VerifiedJwt;
    try {
      jwt = await verifier.verify(request.token);
    } catch (error) {
      if (error instanceof JwtError && error.reason !== 'keys-unavailable') {
        return refuse(error.reason, request);
      }
      throw error;
    }
    const sub = jwt.claims.sub;
    const own: AuthDecision = {
      ...(jwt.room === undefined ? {} : { allowedRoom: jwt.room }),
      ...(typeof sub === 'string' ? { user: sub } : {}),
    };
    if (!deps.authorizeClaims) return own;
    return combine([own, await deps.authorizeClaims(jwt, request)]);
  };
}

/**
 * A hook that allows only what every one of `hooks` allows: each is asked in turn, the first
 * refusal ends it, and room restrictions must agree.
 *
 * @example
 * const authorize = allOf(createJwtAuthorize({ jwksUrl }), async ({ address }) => !banned.has(address));
 */
export function allOf(...hooks: Authorize[]): Authorize {
  return async (request) => {
    const decisions: AuthDecision[] = [];
    for (const hook of hooks) {
      const decision = await hook(request);
      if (decision === false || isRefusal(decision)) return decision;
      decisions.push(decision);
    }
    return combine(decisions);
  };
}

/** The intersection of decisions: refused if any refuses or two name different rooms. */
function combine(decisions: readonly AuthDecision[]): AuthDecision {
  let room: string | undefined;
  let user: string | undefined;
  for (const decision of decisions) {
    if (decision === true) continue;
    if (typeof decision !== 'object' || decision === null) return false;
    if ('refused' in decision) return decision;
    user ??= decision.user;
    const allowed = decision.allowedRoom;
    if (allowed === undefined) continue;
    if (room !== undefined && room !== allowed) return false;
    room = allowed;
  }
  if (room === undefined && user === undefined) return true;
  return {
    ...(room === undefined ? {} : { allowedRoom: room }),
    ...(user === undefined ? {} : { user }),
  };
}

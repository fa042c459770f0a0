/**
 * Why a join token was refused. Messages describe the token's fault in general terms; they never
 * carry the token, the secret or a key.
 */
import { errors } from 'jose';

/**
 * - `missing-token`: no token in the handshake or the `Authorization` header.
 * - `malformed`: not a compact JWS of three base64url parts with JSON header and claims.
 * - `unsupported-alg`: an algorithm this verifier does not accept (`none` included).
 * - `unknown-key`: no signing key matches the token's `kid` and algorithm.
 * - `bad-signature`: the signature does not verify.
 * - `expired`, `not-yet-valid`: outside `exp`/`nbf`, clock skew allowed for.
 * - `wrong-issuer`, `wrong-audience`: `iss`/`aud` differ from the configuration.
 * - `bad-claim`: a claim missing or of the wrong type (no `exp`, `room` not a string…).
 * - `keys-unavailable`: the JWKS could not be fetched and no cached key fits.
 */
export type JwtRefusal =
  | 'missing-token'
  | 'malformed'
  | 'unsupported-alg'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'bad-claim'
  | 'keys-unavailable';

export class JwtError extends Error {
  override readonly name = 'JwtError';
  constructor(
    readonly reason: JwtRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A refusal of jose's, as a {@link JwtError}. jose's own error is not kept as the cause: a claim
 * error carries the token's claims. Anything else (a {@link JwtError} from the key set included)
 * is returned as it is.
 */
export function refusalOf(error: unknown): unknown {
  if (!(error instanceof errors.JOSEError)) return error;
  if (error instanceof errors.JWTExpired) return new JwtError('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return claimRefusal(error);
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new JwtError('unsupported-alg', 'the token algorithm is not accepted');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new JwtError('bad-signature', 'the token signature does not verify');
  }
  // JWSInvalid, JWTInvalid, and JOSENotSupported for a `crit` extension nobody here implements.
  return new JwtError('malformed', 'the token is not a compact JWS with JSON header and claims');
}

function claimRefusal(error: InstanceType<typeof errors.JWTClaimValidationFailed>): JwtError {
  // jose names the claim (a registered name, never a value of the token's).
  const { claim, reason } = error;
  if (claim === 'nbf' && reason === 'check_failed') {
    return new JwtError('not-yet-valid', 'the token is not valid yet');
  }
  if (claim === 'iss') return new JwtError('wrong-issuer', 'the token was issued by someone else');
  if (claim === 'aud') {
    return new JwtError('wrong-audience', 'the token is meant for another audience');
  }
  return new JwtError(
    'bad-claim',
    `the ${claim} claim is ${reason === 'missing' ? 'missing' : 'not valid'}`,
  );
}

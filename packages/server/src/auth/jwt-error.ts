/**
 * Why a join token was refused. Messages describe the token's fault in general terms; they never
 * carry the token, the secret or a key.
 */

/**
 * - `missing-token`: no token in the handshake or the `Authorization` header.
 * - `malformed`: not a compact JWS of three base64url parts with JSON header and claims.
 * - `unsupported-alg`: an algorithm this verifier does not accept (`none` included).
 * - `unknown-key`: no signing key matches the token's `kid` and algorithm.
 * - `bad-signature`: the signature does not verify.
 * - `expired`, `not-yet-valid`: outside `exp`/`nbf`, clock skew allowed for.
 * - `wrong-issuer`, `wrong-audience`: `iss`/`aud` differ from the configuration.
 * - `bad-claim`: a claim of the wrong type (`exp` not a number, `room` not a string…).
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

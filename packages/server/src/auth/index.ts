export { allOf, createJwtAuthorize, type JwtAuthorizeDeps } from './jwt-authorize.js';
export type { ClaimExpectations, JoinGrant } from './jwt-claims.js';
export { JwtError, type JwtRefusal } from './jwt-error.js';
export { JWT_ALGORITHMS, MIN_RSA_BITS, type JwtAlgorithm } from './jwt-algorithms.js';
export {
  MIN_SECRET_BYTES,
  createJwtVerifier,
  jwtVerifierDefaults,
  type JwtVerifier,
  type JwtVerifierInput,
  type JwtVerifierOptions,
  type VerifiedJwt,
} from './jwt-verifier.js';
export { createJwksKeys, jwksDefaults, type JwksKeys, type JwksOptions } from './jwks.js';

export { allOf, createJwtAuthorize, type JwtAuthorizeDeps } from './jwt-authorize.js';
export { checkClaims, type ClaimExpectations, type JoinGrant } from './jwt-claims.js';
export { JwtError, type JwtRefusal } from './jwt-error.js';
export { parseJwt, type ParsedJwt } from './jwt-parse.js';
export {
  JWT_ALGORITHMS,
  MIN_RSA_BITS,
  type JwtAlgorithm,
  verifyHs256,
  verifyWithPublicKey,
} from './jwt-signature.js';
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

/**
 * Splits a compact JWS (`header.claims.signature`) into its parts. Strict: base64url without
 * padding, JSON objects for header and claims, a string `alg`. Nothing is trusted yet.
 */
import { JwtError } from './jwt-error.js';

export interface ParsedJwt {
  header: { alg: string; kid?: string; [name: string]: unknown };
  claims: Record<string, unknown>;
  /** `header.claims` as received: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function parseJwt(token: string, maxLength: number): ParsedJwt {
  if (token.length > maxLength) {
    throw new JwtError('malformed', `the token is longer than ${maxLength} characters`);
  }
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'the token is not a compact JWS');
  const [headerText, claimsText, signatureText] = parts as [string, string, string];
  const header = decodeObject(headerText, 'header');
  const claims = decodeObject(claimsText, 'claims');
  if (typeof header.alg !== 'string') throw new JwtError('malformed', 'the header has no alg');
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new JwtError('malformed', 'the header kid is not a string');
  }
  // Critical extensions we do not implement must not be silently ignored (RFC 7515 §4.1.11).
  if (header.crit !== undefined) {
    throw new JwtError('malformed', 'the header names critical extensions');
  }
  if (!BASE64URL.test(signatureText)) {
    throw new JwtError('malformed', 'the signature is not base64url');
  }
  return {
    header: header as ParsedJwt['header'],
    claims,
    signingInput: `${headerText}.${claimsText}`,
    signature: Buffer.from(signatureText, 'base64url'),
  };
}

function decodeObject(part: string, what: string): Record<string, unknown> {
  if (part === '' || !BASE64URL.test(part)) {
    throw new JwtError('malformed', `the ${what} is not base64url`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed', `the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError('malformed', `the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * The JWT settings in the environment: off by default, one key source at a time, listed by
 * `--help`, and the secret never echoed.
 */
import { describe, expect, it } from 'vitest';
import { helpText, readConfig } from '../src/config.js';
import { configError } from './support/config-error.js';

const SECRET = 'a-shared-secret-of-more-than-32-bytes!';

describe('JWT configuration', () => {
  it('is off unless a secret or a JWKS URL is set', () => {
    expect(readConfig({}).jwt).toBeNull();
  });

  it('reads a shared secret with issuer and audience, and hands the secret over for redaction', () => {
    const config = readConfig({
      ICELANE_JWT_SECRET: SECRET,
      ICELANE_JWT_ISSUER: 'https://app.example',
      ICELANE_JWT_AUDIENCE: 'icelane',
    });
    expect(config.jwt).toEqual({
      secret: SECRET,
      jwksUrl: null,
      issuer: 'https://app.example',
      audience: 'icelane',
    });
    expect(config.secrets).toContain(SECRET);
  });

  it('reads a JWKS URL', () => {
    const url = 'https://auth.example/.well-known/jwks.json';
    expect(readConfig({ ICELANE_JWT_JWKS_URL: url }).jwt).toEqual({
      secret: null,
      jwksUrl: url,
      issuer: null,
      audience: null,
    });
  });

  it('refuses both a secret and a JWKS URL, naming both variables and not the secret', () => {
    const error = configError({
      ICELANE_JWT_SECRET: SECRET,
      ICELANE_JWT_JWKS_URL: 'https://auth.example/jwks.json',
    });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['ICELANE_JWT_SECRET']);
    expect(error.message).toContain('ICELANE_JWT_SECRET');
    expect(error.message).toContain('ICELANE_JWT_JWKS_URL');
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a short secret, a JWKS URL that is not http(s), and iss/aud without a key source', () => {
    const short = 'short-secret-value';
    const error = configError({
      ICELANE_JWT_SECRET: short,
      ICELANE_JWT_ISSUER: 'x',
    });
    expect(error.message).toContain('ICELANE_JWT_SECRET: must be at least 32 bytes');
    expect(error.message).not.toContain(short);
    expect(configError({ ICELANE_JWT_JWKS_URL: 'file:///etc/keys' }).issues).toEqual([
      { variable: 'ICELANE_JWT_JWKS_URL', message: expect.stringContaining('http(s) URL') },
    ]);
    expect(configError({ ICELANE_JWT_AUDIENCE: 'icelane' }).issues).toEqual([
      { variable: 'ICELANE_JWT_AUDIENCE', message: expect.stringContaining('ICELANE_JWT_SECRET') },
    ]);
  });

  it('is listed by --help', () => {
    const text = helpText();
    for (const name of [
      'ICELANE_JWT_SECRET',
      'ICELANE_JWT_JWKS_URL',
      'ICELANE_JWT_ISSUER',
      'ICELANE_JWT_AUDIENCE',
    ]) {
      expect(text).toContain(name);
    }
  });
});

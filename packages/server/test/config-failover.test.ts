/**
 * The environment of provider failover and of the user handle key: an ordered list in
 * `ICELANE_TURN_PROVIDER` (one provider reads as it always did), the breaker's variables, and
 * `ICELANE_USER_HANDLE_KEY`. Every error names its variable and never shows a secret.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { breakerDefaults } from '../src/credentials/index.js';
import { configError } from './support/config-error.js';

const CLOUDFLARE = { CLOUDFLARE_TURN_KEY_ID: 'key', CLOUDFLARE_TURN_API_TOKEN: 'cf-token-value' };
const COTURN = {
  ICELANE_COTURN_URLS: 'turn:turn.example.com:3478',
  ICELANE_COTURN_SECRETS: 's3cret',
};

describe('ICELANE_TURN_PROVIDER as a failover list', () => {
  it('reads one provider as before: no fallbacks, the default breaker, a random user handle key', () => {
    const config = readConfig({ ICELANE_TURN_PROVIDER: 'coturn', ...COTURN });
    expect(config.turn).toMatchObject({ provider: 'coturn' });
    expect(config.turnFallbacks).toEqual([]);
    expect(config.ice.breaker).toEqual(breakerDefaults);
    expect(config.userHandleKey).toBeNull();
    // Inferred from the variables set, as before.
    expect(readConfig(CLOUDFLARE).turn).toMatchObject({ provider: 'cloudflare' });
    expect(readConfig(CLOUDFLARE).turnFallbacks).toEqual([]);
  });

  it('reads an ordered list: the first provider, then its fallbacks, each with its variables', () => {
    const config = readConfig({
      ICELANE_TURN_PROVIDER: 'cloudflare, coturn',
      ICELANE_FAILOVER_THRESHOLD: '5',
      ICELANE_FAILOVER_COOLDOWN_MS: '60000',
      ...CLOUDFLARE,
      ...COTURN,
    });
    expect(config.turn).toEqual({
      provider: 'cloudflare',
      keyId: 'key',
      apiToken: 'cf-token-value',
      apiUrl: 'https://rtc.live.cloudflare.com',
    });
    expect(config.turnFallbacks).toEqual([
      { provider: 'coturn', urls: ['turn:turn.example.com:3478'], secrets: ['s3cret'] },
    ]);
    expect(config.ice.breaker).toEqual({ failureThreshold: 5, cooldownMs: 60_000 });
    expect(config.secrets).toEqual(expect.arrayContaining(['cf-token-value', 's3cret']));
  });

  it('names the missing variables of every provider listed', () => {
    expect(
      configError({ ICELANE_TURN_PROVIDER: 'cloudflare,coturn', ...CLOUDFLARE }).issues.map(
        (issue) => issue.variable,
      ),
    ).toEqual(['ICELANE_COTURN_URLS', 'ICELANE_COTURN_SECRETS']);
  });

  it.each([
    [
      'cloudflare,xirsys',
      /ICELANE_TURN_PROVIDER: expected one of .* or an ordered list such as cloudflare,coturn; got "xirsys"/,
    ],
    ['coturn,none', /ICELANE_TURN_PROVIDER: none cannot be part of a list/],
    ['coturn,coturn', /ICELANE_TURN_PROVIDER: each provider may be listed once/],
  ])('names ICELANE_TURN_PROVIDER when it is %j', (value, message) => {
    expect(configError({ ICELANE_TURN_PROVIDER: value, ...COTURN }).message).toMatch(message);
  });

  it('suggests a list when the variables of several providers are set without one', () => {
    expect(configError({ ...CLOUDFLARE, ...COTURN }).message).toMatch(
      /ICELANE_TURN_PROVIDER: .*choose one, or list them in the order to try them \(e\.g\. cloudflare,coturn\)/,
    );
  });

  it.each([
    ['ICELANE_FAILOVER_THRESHOLD', '0'],
    ['ICELANE_FAILOVER_THRESHOLD', 'three'],
    ['ICELANE_FAILOVER_COOLDOWN_MS', '10'],
    ['ICELANE_FAILOVER_COOLDOWN_MS', '1.5'],
  ])('names %s when it is %j', (name, value) => {
    expect(configError({ [name]: value }).message).toMatch(
      new RegExp(`^${name}: expected an integer from \\d+ to \\d+`),
    );
  });
});

describe('ICELANE_USER_HANDLE_KEY', () => {
  const key = 'a-user-handle-key-of-at-least-32-bytes';

  it('is read, and handed to the logger to redact', () => {
    const config = readConfig({ ICELANE_USER_HANDLE_KEY: key });
    expect(config.userHandleKey).toBe(key);
    expect(config.secrets).toContain(key);
  });

  it('is refused when shorter than 32 bytes, without showing it', () => {
    const short = 'short-handle-key';
    const message = configError({ ICELANE_USER_HANDLE_KEY: short }).message;
    expect(message).toBe('ICELANE_USER_HANDLE_KEY: must be at least 32 bytes');
    expect(message).not.toContain(short);
  });
});

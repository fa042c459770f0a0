/**
 * Configuration errors name a bad value without repeating it: a token pasted into the wrong
 * variable, or a URL with a secret in it, must not reach the logs through the start-up error.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';
import { ConfigError } from './env-reader.js';
import { describeValue } from './value-hint.js';

const TOKEN = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const COTURN_SECRET = 'coturn-static-auth-secret-42';
const CLOUDFLARE = {
  CLOUDFLARE_TURN_KEY_ID: 'key-id',
  CLOUDFLARE_TURN_API_TOKEN: 'api-token-value',
};

/** The message of the ConfigError `env` gives. */
function errorFor(env: Record<string, string>): string {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('describeValue', () => {
  it('shows a URL as its scheme and host, never credentials, path or query', () => {
    expect(describeValue(`https://ops:${TOKEN}@api.example:8443/v1?key=${TOKEN}`)).toBe(
      '"https://api.example:8443…" (credentials not shown)',
    );
    expect(describeValue(`turn:user:${COTURN_SECRET}@turn.example:3478`)).toBe(
      '"turn:turn.example:3478" (credentials not shown)',
    );
    expect(describeValue('stun:stun.example.com:53')).toBe('"stun:stun.example.com:53"');
  });

  it('shows a short value whole, and of a longer one its first characters and length', () => {
    expect(describeValue('80a')).toBe('"80a"');
    expect(describeValue(TOKEN)).toBe(`"sk_l…" (${TOKEN.length} characters)`);
    // A word before a colon is not taken for a URL scheme: it may be the start of a token.
    expect(describeValue(`Bearer:${TOKEN}`)).toBe(`"Bear…" (${TOKEN.length + 7} characters)`);
  });
});

describe('configuration errors', () => {
  it('name the variable and what is wrong without echoing a pasted token or a secret in a URL', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { ...CLOUDFLARE, CLOUDFLARE_TURN_API_URL: TOKEN },
        /CLOUDFLARE_TURN_API_URL: expected an http\(s\) URL, got "sk_l…" \(\d+ characters\)/,
      ],
      [{ PORT: TOKEN }, /PORT: expected an integer from 0 to 65535, got "sk_l…"/],
      [{ ICELANE_LOG_LEVEL: TOKEN }, /ICELANE_LOG_LEVEL: expected one of .*, got "sk_l…"/],
      [
        { ICELANE_STUN_URLS: `turn:user:${COTURN_SECRET}@turn.example:3478` },
        /ICELANE_STUN_URLS: each item must be a stun: .*; not "turn:turn.example:3478" \(credentials not shown\)/,
      ],
      [
        { ICELANE_CORS_ORIGINS: `https://app.example/?token=${TOKEN}` },
        /ICELANE_CORS_ORIGINS: each item must be an origin .*; not "https:\/\/app.example…"/,
      ],
      [{ ICELANE_TURN_PROVIDER: TOKEN }, /ICELANE_TURN_PROVIDER: expected one of .*; got "sk_l…"/],
    ];
    for (const [env, expected] of cases) {
      const message = errorFor(env);
      expect(message, Object.keys(env).join()).toMatch(expected);
      expect(message).not.toContain(TOKEN.slice(0, 8));
      expect(message).not.toContain(COTURN_SECRET);
    }
  });
});

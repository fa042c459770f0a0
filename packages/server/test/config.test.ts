import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, helpText, readConfig } from '../src/config.js';
import { iceSourceDefaults } from '../src/credentials/index.js';
import { configError } from './support/config-error.js';

describe('readConfig', () => {
  it('runs with an empty environment: STUN only, the documented defaults', () => {
    const config = readConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      turn: { provider: 'none' },
      server: { roomPeerCap: 8, corsOrigins: ['*'], staticDir: null },
      ice: {
        stunUrls: iceSourceDefaults.stunUrls,
        ttlSeconds: iceSourceDefaults.ttlSeconds,
        maxUrls: 4,
        joinTimeoutMs: iceSourceDefaults.joinTimeoutMs,
        policy: 'all',
        scope: null,
      },
      secrets: [],
    });
  });

  it('reads a complete coturn deployment', () => {
    const config = readConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ICELANE_LOG_LEVEL: 'debug',
      ICELANE_STUN_URLS: '',
      ICELANE_COTURN_SECRETS: 'new-secret, old-secret',
      ICELANE_COTURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:443',
      ICELANE_TURN_TTL_SECONDS: '3600',
      ICELANE_CREDENTIAL_SCOPE: 'shared',
      ICELANE_MAX_ICE_URLS: '3',
      ICELANE_JOIN_TIMEOUT_MS: '1500',
      ICELANE_RELAY_POLICY: 'relay',
      ICELANE_ROOM_PEER_CAP: '4',
      ICELANE_CORS_ORIGINS: 'https://app.example,http://localhost:5173',
      ICELANE_STATIC_DIR: '/srv/page',
      ICELANE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.10',
      ICELANE_TRANSPORTS: 'websocket',
      ICELANE_MAX_CONNECTIONS_PER_ADDRESS: '32',
      ICELANE_MAX_OUTGOING_BUFFER_BYTES: '262144',
      ICELANE_RATE_JOIN_PER_IP: '200/5',
      ICELANE_RATE_STRIKES: '5/0.5',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'debug',
      turn: {
        provider: 'coturn',
        secrets: ['new-secret', 'old-secret'],
        urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443'],
      },
      ice: {
        stunUrls: [],
        ttlSeconds: 3600,
        // A credential is never handed out with less than a quarter of a short TTL left.
        minRemainingMs: 900_000,
        scope: 'shared',
        maxUrls: 3,
        joinTimeoutMs: 1500,
        policy: 'relay',
      },
      server: {
        roomPeerCap: 4,
        corsOrigins: ['https://app.example', 'http://localhost:5173'],
        staticDir: '/srv/page',
        trustedProxies: ['10.0.0.0/8', '192.0.2.10'],
        transports: ['websocket'],
        maxConnectionsPerAddress: 32,
        maxOutgoingBufferBytes: 262_144,
        rateLimits: {
          joinPerIp: { burst: 200, perSecond: 5 },
          strikes: { burst: 5, perSecond: 0.5 },
          signal: { burst: 100, perSecond: 50 },
        },
      },
    });
    expect(config.secrets).toEqual(expect.arrayContaining(['new-secret', 'old-secret']));
  });

  it('infers the provider from the variables that are set', () => {
    expect(
      readConfig({ CLOUDFLARE_TURN_KEY_ID: 'key', CLOUDFLARE_TURN_API_TOKEN: 'token-123' }).turn,
    ).toEqual({
      provider: 'cloudflare',
      keyId: 'key',
      apiToken: 'token-123',
      apiUrl: 'https://rtc.live.cloudflare.com',
    });
    expect(
      readConfig({
        ICELANE_STATIC_TURN_URLS: 'turn:10.0.0.1:3478',
        ICELANE_STATIC_TURN_USERNAME: 'u',
        ICELANE_STATIC_TURN_CREDENTIAL: 'c-secret',
      }).turn,
    ).toEqual({
      provider: 'static',
      urls: ['turn:10.0.0.1:3478'],
      username: 'u',
      credential: 'c-secret',
    });
    // An explicit choice wins over the variables of another provider.
    expect(
      readConfig({ ICELANE_TURN_PROVIDER: 'none', CLOUDFLARE_TURN_KEY_ID: 'key' }).turn,
    ).toEqual({ provider: 'none' });
  });

  it.each([
    ['PORT', '80a', /PORT: expected an integer from 0 to 65535, got "80a"/],
    ['PORT', '70000', /PORT: expected an integer/],
    ['ICELANE_LOG_LEVEL', 'loud', /ICELANE_LOG_LEVEL: expected one of debug, info, warn, error/],
    ['ICELANE_ROOM_PEER_CAP', '0', /ICELANE_ROOM_PEER_CAP: expected an integer from 1/],
    [
      'ICELANE_TRUSTED_PROXIES',
      'proxy.internal',
      /ICELANE_TRUSTED_PROXIES: each item must be an IP/,
    ],
    ['ICELANE_TRUSTED_PROXIES', '10.0.0.0/40', /ICELANE_TRUSTED_PROXIES: each item/],
    // A count believed anyone's header (issue 14, defect 9): refused with the reason.
    ['ICELANE_TRUSTED_PROXIES', '1', /ICELANE_TRUSTED_PROXIES: .*not a count/],
    [
      'ICELANE_TRANSPORTS',
      'carrier-pigeon',
      /ICELANE_TRANSPORTS: each item must be one of polling/,
    ],
    [
      'ICELANE_MAX_CONNECTIONS_PER_ADDRESS',
      '0',
      /ICELANE_MAX_CONNECTIONS_PER_ADDRESS: expected an integer from 1/,
    ],
    [
      'ICELANE_MAX_OUTGOING_BUFFER_BYTES',
      '1k',
      /ICELANE_MAX_OUTGOING_BUFFER_BYTES: expected an integer/,
    ],
    [
      'ICELANE_RATE_JOIN_PER_IP',
      '60',
      /ICELANE_RATE_JOIN_PER_IP: expected burst\/perSecond such as 60\/2/,
    ],
    ['ICELANE_RATE_SIGNAL', '0/5', /ICELANE_RATE_SIGNAL: expected burst\/perSecond/],
    ['ICELANE_RATE_MESSAGES', '10/-1', /ICELANE_RATE_MESSAGES: expected burst\/perSecond/],
    [
      'ICELANE_CORS_ORIGINS',
      'app.example',
      /ICELANE_CORS_ORIGINS: each item must be an origin.*"app\.…" \(11 characters\)/,
    ],
    ['ICELANE_CORS_ORIGINS', 'https://app.example/path', /ICELANE_CORS_ORIGINS: each item/],
    [
      'ICELANE_STUN_URLS',
      'turn:10.0.0.1',
      /ICELANE_STUN_URLS: each item must be a stun: or stuns: URL/,
    ],
    ['ICELANE_STUN_URLS', 'stun:stun.example.com:3478?transport=tcp', /ICELANE_STUN_URLS/],
    ['ICELANE_STUN_URLS', 'stun:dns.example.com:53', /ICELANE_STUN_URLS: .*not on port 53/],
    [
      'ICELANE_STUN_PROBE_URLS',
      'stun:stun.cloudflare.com:53',
      /ICELANE_STUN_PROBE_URLS: .*not on port 53/,
    ],
    ['ICELANE_COTURN_URLS', 'turn:turn.example.com:53', /ICELANE_COTURN_URLS: .*not on port 53/],
    ['ICELANE_TURN_PROVIDER', 'xirsys', /ICELANE_TURN_PROVIDER: expected one of cloudflare/],
    [
      'ICELANE_TURN_PROVIDER',
      'twilio',
      /ICELANE_TURN_PROVIDER: expected one of cloudflare, coturn, static, none/,
    ],
    ['ICELANE_TURN_TTL_SECONDS', '10', /ICELANE_TURN_TTL_SECONDS: expected an integer from 60/],
    [
      'ICELANE_CREDENTIAL_SCOPE',
      'global',
      /ICELANE_CREDENTIAL_SCOPE: expected one of shared, per-session/,
    ],
    ['ICELANE_MAX_ICE_URLS', '-1', /ICELANE_MAX_ICE_URLS/],
    ['ICELANE_JOIN_TIMEOUT_MS', '1.5', /ICELANE_JOIN_TIMEOUT_MS/],
    ['ICELANE_RELAY_POLICY', 'relay', /ICELANE_RELAY_POLICY: relay needs a TURN provider/],
    ['ICELANE_RELAY_POLICY', 'direct', /ICELANE_RELAY_POLICY: expected one of all, relay/],
  ])('names %s when it is %j', (name, value, message) => {
    expect(configError({ [name]: value }).message).toMatch(message);
  });

  it('names the missing variables of the chosen provider', () => {
    expect(
      configError({ ICELANE_TURN_PROVIDER: 'cloudflare' }).issues.map((i) => i.variable),
    ).toEqual(['CLOUDFLARE_TURN_KEY_ID', 'CLOUDFLARE_TURN_API_TOKEN']);
    expect(configError({ ICELANE_COTURN_SECRETS: 's3cret-value' }).message).toBe(
      'ICELANE_COTURN_URLS: required when the provider is coturn',
    );
    expect(
      configError({ ICELANE_STATIC_TURN_URLS: 'turn:10.0.0.1' }).issues.map((i) => i.variable),
    ).toEqual(['ICELANE_STATIC_TURN_USERNAME', 'ICELANE_STATIC_TURN_CREDENTIAL']);
    expect(
      configError({
        CLOUDFLARE_TURN_KEY_ID: 'k',
        CLOUDFLARE_TURN_API_TOKEN: 't-123',
        CLOUDFLARE_TURN_API_URL: 'ftp://x',
      }).message,
    ).toMatch(/CLOUDFLARE_TURN_API_URL: expected an http\(s\) URL/);
  });

  it('refuses two providers at once rather than guessing', () => {
    expect(
      configError({ CLOUDFLARE_TURN_KEY_ID: 'k', ICELANE_COTURN_URLS: 'turn:10.0.0.1' }).message,
    ).toMatch(
      /ICELANE_TURN_PROVIDER: variables of several providers are set \(cloudflare, coturn\)/,
    );
  });

  it('lists every bad variable at once', () => {
    const error = configError({
      PORT: 'x',
      HOST: '',
      ICELANE_LOG_LEVEL: 'x',
      ICELANE_MAX_ICE_URLS: 'x',
    });
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'PORT',
      'ICELANE_LOG_LEVEL',
      'ICELANE_MAX_ICE_URLS',
    ]);
  });

  it('never echoes a secret, even a malformed one', () => {
    const secret = 'TOP-SECRET-VALUE-42';
    const messages = [
      configError({ ICELANE_COTURN_SECRETS: `${secret}` }).message,
      configError({ CLOUDFLARE_TURN_API_TOKEN: secret }).message,
      configError({ ICELANE_STATIC_TURN_URLS: 'turn:x', ICELANE_STATIC_TURN_CREDENTIAL: secret })
        .message,
      configError({ ICELANE_TURN_PROVIDER: 'coturn', ICELANE_COTURN_SECRETS: `${secret},,` })
        .message,
    ];
    for (const message of messages) expect(message).not.toContain(secret);
  });

  it('hands the logger every secret value to redact', () => {
    const config = readConfig({
      CLOUDFLARE_TURN_KEY_ID: 'key',
      CLOUDFLARE_TURN_API_TOKEN: 'cf-token-value',
    });
    expect(config.secrets).toContain('cf-token-value');
    expect(config.secrets).not.toContain('key');
  });
});

describe('helpText', () => {
  it('lists every variable with its default', () => {
    const text = helpText();
    for (const [name, variable] of Object.entries(ENV_VARIABLES)) {
      expect(text).toContain(name);
      if (variable.default) expect(text).toContain(`${name} (default: ${variable.default})`);
    }
  });
});

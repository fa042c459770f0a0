import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCoturnProvider,
  turnRestCredential,
  turnRestUsername,
} from '../../src/credentials/coturn.js';

const urls = [
  'turn:turn.example.test:3478?transport=udp',
  'turns:turn.example.test:443?transport=tcp',
];

describe('TURN REST API credentials', () => {
  it('computes base64(HMAC-SHA1(secret, username))', () => {
    // Computed independently: printf '1700000000:alice' | openssl dgst -sha1 -hmac s3cret -binary | base64
    expect(turnRestCredential('s3cret', '1700000000:alice')).toBe('TtElzSjT0GdnTQ9xdcRNxx96yQs=');
    expect(turnRestCredential('s3cret', '1700000000:alice')).toBe(
      createHmac('sha1', 's3cret').update('1700000000:alice').digest('base64'),
    );
  });

  it('puts the expiry in unix seconds before the id', () => {
    expect(turnRestUsername(1_700_000_000.9, 'peer-1')).toBe('1700000000:peer-1');
  });
});

describe('coturn provider', () => {
  const now = 1_700_000_000_000;

  it('mints a credential for the session that expires after the TTL', async () => {
    const provider = createCoturnProvider({
      urls,
      secrets: ['new-secret', 'old-secret'],
      now: () => now,
    });
    const credential = await provider.mint({ ttlSeconds: 3600, sessionId: 'sess-42' });
    const username = `${now / 1000 + 3600}:sess-42`;
    expect(credential).toEqual({
      iceServers: [{ urls, username, credential: turnRestCredential('new-secret', username) }],
      issuedAt: now,
      expiresAt: now + 3600_000,
    });
  });

  it('uses a random id when no session is named, different each time', async () => {
    const provider = createCoturnProvider({ urls, secrets: ['s3cret'] });
    const a = await provider.mint({ ttlSeconds: 60 });
    const b = await provider.mint({ ttlSeconds: 60 });
    expect(a.iceServers[0]!.username).toMatch(/^\d+:[A-Za-z0-9_-]{8,}$/);
    expect(a.iceServers[0]!.username).not.toBe(b.iceServers[0]!.username);
  });

  it('keeps a colon in the session id from changing the expiry coturn reads', async () => {
    const provider = createCoturnProvider({ urls, secrets: ['s3cret'], now: () => now });
    const credential = await provider.mint({ ttlSeconds: 60, sessionId: '9999999999:x' });
    expect(credential.iceServers[0]!.username).toBe(`${now / 1000 + 60}:9999999999_x`);
  });

  it('is per-session by default, has nothing to revoke, and declares every secret', () => {
    const provider = createCoturnProvider({ urls, secrets: ['new-secret', 'old-secret'] });
    expect(provider.defaultScope).toBe('per-session');
    expect(provider.revoke).toBeUndefined();
    expect(provider.secrets).toEqual(['new-secret', 'old-secret']);
  });

  it('refuses a configuration that cannot work, with a clear message', () => {
    expect(() => createCoturnProvider({ urls: [], secrets: ['s'] })).toThrow(/no TURN URL/);
    expect(() => createCoturnProvider({ urls: ['stun:x.test'], secrets: ['s'] })).toThrow(
      /not a turn: or turns: URL/,
    );
    expect(() => createCoturnProvider({ urls: ['turn:bad host'], secrets: ['s'] })).toThrow(
      /not a turn/,
    );
    expect(() => createCoturnProvider({ urls: ['turn:t.test:53'], secrets: ['s'] })).toThrow(
      /port 53/,
    );
    expect(() => createCoturnProvider({ urls, secrets: [] })).toThrow(/shared secret/);
    expect(() => createCoturnProvider({ urls, secrets: ['s', ''] })).toThrow(/empty/);
  });
});

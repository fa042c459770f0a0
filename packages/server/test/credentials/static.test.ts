import { describe, expect, it } from 'vitest';
import { createStaticProvider } from '../../src/credentials/static.js';

describe('static provider', () => {
  it('hands out the configured server and credential, never expiring', async () => {
    const provider = createStaticProvider({
      urls: ['turn:turn.example.test:3478', 'turns:turn.example.test:443?transport=tcp'],
      username: 'alice',
      credential: 'wonderland',
      now: () => 5,
    });
    expect(await provider.mint({ ttlSeconds: 60 })).toEqual({
      iceServers: [
        {
          urls: ['turn:turn.example.test:3478', 'turns:turn.example.test:443?transport=tcp'],
          username: 'alice',
          credential: 'wonderland',
        },
      ],
      issuedAt: 5,
      expiresAt: null,
    });
    expect(provider.defaultScope).toBe('shared');
    expect(provider.secrets).toEqual(['wonderland']);
  });

  it('refuses a turn: URL without username and credential at construction', () => {
    expect(() => createStaticProvider({ urls: ['turn:turn.example.test'] })).toThrow(
      /need both a username and a credential/,
    );
    expect(() =>
      createStaticProvider({ urls: ['turns:turn.example.test:443'], username: 'alice' }),
    ).toThrow(/need both a username and a credential/);
  });

  it('refuses malformed URLs and an empty list', () => {
    expect(() => createStaticProvider({ urls: [] })).toThrow(/no URL/);
    expect(() =>
      createStaticProvider({ urls: ['turn:t.test:53'], username: 'a', credential: 'b' }),
    ).toThrow(/port 53, which browsers block/);
    expect(() =>
      createStaticProvider({ urls: ['http://turn.example.test'], username: 'a', credential: 'b' }),
    ).toThrow(/"http:\/\/turn.example.test" is not a valid ICE server URL/);
  });
});

/**
 * The built-in JWT join check with RS256/ES256 keys from a JWKS URL, served by a key server on
 * loopback: valid keys, rotation, a bounded refetch on unknown `kid`s, algorithm confusion, and
 * a key server that is down or hangs.
 */
import { createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJwtAuthorize, type JwtVerifierInput } from '../src/auth/index.js';
import { captureLogger } from './credentials/log-capture.js';
import { connect, disconnectAll, request } from './support/clients.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { hs256, inSeconds, signingKey, unsigned } from './support/jwt-signer.js';
import { closeAll, startTestServer } from './support/server.js';

const keyServers = new Set<JwksServer>();
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await Promise.all([...keyServers].map((keys) => keys.close()));
  keyServers.clear();
});

const rsa = signingKey('RS256', 'rsa-2026-01');
const ec = signingKey('ES256', 'ec-2026-01');
/** The answer to a refused join, with the reason the client is told when there is one. */
const refused = (reason?: string) => ({
  error: {
    code: 'unauthorized',
    message: reason ? `not allowed to join this room: ${reason}` : 'not allowed to join this room',
  },
});
const INVALID = 'the join token is invalid';
const generous = {
  join: { burst: 1000, perSecond: 1000 },
  joinPerIp: { burst: 1000, perSecond: 1000 },
  // Refused tokens are what these tests send: their budget and the strikes out of the way.
  refusedPerIp: { burst: 1000, perSecond: 1000 },
  strikes: { burst: 1000, perSecond: 1000 },
};

/** A clock the test moves, for the refetch interval; it starts at the real time. */
function manualClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function setup(options: JwtVerifierInput = {}, published = [rsa.jwk, ec.jwk]) {
  const keys = await startJwksServer(published);
  keyServers.add(keys);
  const log = captureLogger();
  const authorize = createJwtAuthorize(
    // The key fetch's own timeout (3 s) unless a test sets one: a process's first fetch() loads
    // undici, 50-200 ms here at load 17, and a 500 ms bound on it refused valid tokens under load.
    { jwksUrl: keys.url, ...options },
    { logger: log.logger },
  );
  const server = await startTestServer({
    deps: { authorize, logger: log.logger },
    options: { rateLimits: generous },
  });
  const join = async (room: string, token?: string) => {
    const socket = await connect(server.url, token === undefined ? {} : { auth: { token } });
    return request(socket, 'room:join', { room });
  };
  return { keys, log, server, join };
}

describe('JWT join check with JWKS keys', () => {
  it('admits RS256 and ES256 tokens signed by a published key, and GET /ice with a room token', async () => {
    const { join, server, keys } = await setup();
    const claims = { exp: inSeconds(600) };
    expect(await join('r', rsa.sign(claims))).toMatchObject({ data: { room: 'r' } });
    expect(await join('r', ec.sign(claims))).toMatchObject({ data: { room: 'r' } });
    const roomToken = ec.sign({ ...claims, room: 'standup' });
    expect(await join('board', roomToken)).toEqual(refused('admitted to another room only'));
    const ice = await fetch(`${server.url}/ice`, {
      headers: { authorization: `Bearer ${roomToken}` },
    });
    expect(ice.status).toBe(200);
    // The keys were fetched once and cached.
    expect(keys.requests).toBe(1);
  });

  it('fetches the keys once for many joins arriving together', async () => {
    const { join, keys } = await setup();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        join(`r${i}`, (i % 2 ? rsa : ec).sign({ exp: inSeconds(600) })),
      ),
    );
    for (const answer of answers) expect(answer).toHaveProperty('data');
    expect(keys.requests).toBe(1);
  });

  it('refuses a wrong signature, alg=none, an expired token, a missing token and a wrong room', async () => {
    const { join } = await setup();
    const stranger = signingKey('RS256', rsa.kid);
    const cases: Array<[string, string | undefined, string]> = [
      [
        'signed by another key with a published kid',
        stranger.sign({ exp: inSeconds(600) }),
        INVALID,
      ],
      ['alg none', unsigned({ exp: inSeconds(600) }), INVALID],
      ['expired', ec.sign({ exp: inSeconds(-300) }), 'the join token has expired'],
      ['missing', undefined, 'a join token is required'],
      [
        'another room',
        rsa.sign({ exp: inSeconds(600), room: 'other' }),
        'admitted to another room only',
      ],
    ];
    for (const [label, token, told] of cases)
      expect(await join('r', token), label).toEqual(refused(told));
  });

  it('refuses algorithm confusion: HS256 keyed with the public key, a key used for another algorithm', async () => {
    const { join } = await setup();
    const publicPem = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' });
    const hmacWithPublicKey = hs256(
      Buffer.from(String(publicPem)),
      { exp: inSeconds(600) },
      { kid: rsa.kid },
    );
    expect(await join('r', hmacWithPublicKey)).toEqual(refused(INVALID));
    // The EC key's kid on a token claiming RS256, signed by the RSA key: the kid's key does not fit.
    expect(await join('r', rsa.sign({ exp: inSeconds(600) }, { kid: ec.kid }))).toEqual(
      refused(INVALID),
    );
    expect(await join('r', ec.sign({ exp: inSeconds(600) }, { alg: 'ES512' }))).toEqual(
      refused(INVALID),
    );
  });

  it('fetches the keys again when a token names a new kid (rotation), at most once per interval', async () => {
    const clock = manualClock();
    const { join, keys, log } = await setup({ now: clock.now, jwks: { minRefetchMs: 30_000 } });
    expect(await join('r', rsa.sign({ exp: inSeconds(600) }))).toHaveProperty('data');
    expect(keys.requests).toBe(1);

    // Tokens with made-up kids arrive in a flood: one refetch at most, then refusals.
    clock.advance(30_000);
    for (let i = 0; i < 40; i++) {
      expect(await join('r', rsa.sign({ exp: inSeconds(600) }, { kid: `made-up-${i}` }))).toEqual(
        refused(INVALID),
      );
    }
    expect(keys.requests).toBe(2);

    // The identity provider rotates: the new key is fetched once the interval has passed.
    const next = signingKey('ES256', 'ec-2026-02');
    keys.keys = [rsa.jwk, ec.jwk, next.jwk];
    expect(await join('r', next.sign({ exp: inSeconds(600) }))).toEqual(refused(INVALID));
    expect(keys.requests).toBe(2);
    clock.advance(30_000);
    expect(await join('r', next.sign({ exp: inSeconds(600) }))).toHaveProperty('data');
    expect(keys.requests).toBe(3);
    expect(log.text()).toContain('"reason":"unknown-key"');
  });

  it('keeps verifying with cached keys while the key server is down', async () => {
    const clock = manualClock();
    const { join, keys } = await setup({ now: clock.now, jwks: { maxAgeMs: 60_000 } });
    expect(await join('r', rsa.sign({ exp: inSeconds(3600) }))).toHaveProperty('data');
    keys.mode = 'error';
    clock.advance(120_000);
    expect(await join('r', rsa.sign({ exp: inSeconds(3600) }))).toHaveProperty('data');
    expect(keys.requests).toBe(2);
  });

  for (const outage of ['down', 'failing', 'hanging'] as const) {
    it(`refuses with unauthorized, logs why and keeps serving when the key server is ${outage}`, async () => {
      const { join, keys, log, server } = await setup({ jwks: { timeoutMs: 400 } });
      if (outage === 'down') await keys.close();
      if (outage === 'failing') keys.mode = 'error';
      if (outage === 'hanging') keys.mode = 'hang';
      const started = Date.now();
      // The token may be fine: the client is told no more than that it was not let in.
      expect(await join('r', rsa.sign({ exp: inSeconds(600) }))).toEqual(refused());
      // A hanging key server costs one timeout, not a hung join.
      expect(Date.now() - started).toBeLessThan(4_000);
      const failure = log.lines.find((line) => line.includes('authorize hook failed'));
      expect(failure).toContain(`cannot fetch the signing keys from ${keys.url}`);
      expect(failure).toContain(
        { down: 'ECONNREFUSED', failing: 'HTTP 500', hanging: 'no answer within 400 ms' }[outage],
      );
      // Within the refetch interval no further request is made: joins are refused at once. The
      // key server may count the request it was sent after the verifier gave up on it (one process,
      // a busy machine): wait for that count first.
      const sent = outage === 'down' ? 0 : 1;
      await vi.waitFor(() => expect(keys.requests).toBe(sent), { timeout: 5_000 });
      const before = keys.requests;
      expect(await join('r', ec.sign({ exp: inSeconds(600) }))).toEqual(refused());
      expect(keys.requests).toBe(before);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await server.counter('icelane_joins_total', { outcome: 'unauthorized' })).toBe(2);
    });
  }
});

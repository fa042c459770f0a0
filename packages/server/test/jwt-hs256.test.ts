/**
 * The built-in JWT join check with a shared secret (HS256), on a real server with real socket.io
 * clients: what a token admits, what it does not, and that the secret stays out of every log line.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createJwtAuthorize } from '../src/auth/index.js';
import type { JwtVerifierInput } from '../src/auth/index.js';
import { connect, disconnectAll, request } from './support/clients.js';
import { captureLogger } from './credentials/log-capture.js';
import { hs256, inSeconds, unsigned } from './support/jwt-signer.js';
import { closeAll, startTestServer } from './support/server.js';

afterEach(async () => {
  disconnectAll();
  await closeAll();
});

const SECRET = `jwt-secret-${randomBytes(24).toString('hex')}`;
/** The answer to a join refused for `reason`, as the client reads it. */
const refused = (reason: string) => ({
  error: { code: 'unauthorized', message: `not allowed to join this room: ${reason}` },
});
const INVALID = 'the join token is invalid';
const EXPIRED = 'the join token has expired';
const NOT_FOR_US = 'the join token is not meant for this server';

async function serverWithJwt(options: JwtVerifierInput = {}) {
  const log = captureLogger();
  const authorize = createJwtAuthorize({ secret: SECRET, ...options }, { logger: log.logger });
  const server = await startTestServer({ deps: { authorize, logger: log.logger } });
  /** Connects with `auth: { token }` (what the SDK's `token` option sends) and joins. */
  const join = async (room: string, token?: string) => {
    const socket = await connect(server.url, token === undefined ? {} : { auth: { token } });
    return request(socket, 'room:join', { room });
  };
  const getIce = (token?: string) =>
    fetch(`${server.url}/ice`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
  return { server, log, join, getIce };
}

describe('JWT join check with a shared secret', () => {
  it('admits a valid token to any room, and to GET /ice', async () => {
    const { server, join, getIce } = await serverWithJwt();
    const token = hs256(SECRET, { sub: 'ada', exp: inSeconds(600) });
    expect(await join('board', token)).toMatchObject({ data: { room: 'board' } });
    expect(await join('standup', token)).toMatchObject({ data: { room: 'standup' } });
    expect((await getIce(token)).status).toBe(200);
    expect(await server.counter('icelane_joins_total', { outcome: 'ok' })).toBe(2);
  });

  it('admits a token with a room claim to that room only, and to GET /ice', async () => {
    const { join, getIce, log } = await serverWithJwt();
    const token = hs256(SECRET, { room: 'standup', exp: inSeconds(600) });
    expect(await join('board', token)).toEqual(refused('admitted to another room only'));
    expect(await join('standup', token)).toMatchObject({ data: { room: 'standup' } });
    const ice = await getIce(token);
    expect(ice.status).toBe(200);
    expect(await ice.json()).toHaveProperty('iceServers');
    expect(log.text()).not.toContain('join token refused');
  });

  it('reads the token from an Authorization header of the handshake too', async () => {
    const { server } = await serverWithJwt();
    const token = hs256(SECRET, { exp: inSeconds(600) });
    const socket = await connect(server.url, {
      extraHeaders: { authorization: `Bearer ${token}` },
    });
    expect(await request(socket, 'room:join', { room: 'r' })).toHaveProperty('data');
  });

  it('refuses a missing, expired, early, forged, unsigned or tampered token, saying why in the log', async () => {
    const { server, join, getIce, log } = await serverWithJwt();
    const valid = hs256(SECRET, { room: 'r', exp: inSeconds(600) });
    const [head, , signature] = valid.split('.');
    const otherRoom = Buffer.from(JSON.stringify({ room: 'x', exp: inSeconds(600) })).toString(
      'base64url',
    );
    // The log names the failed check; the client learns only what it can act on.
    const cases: Array<[string, string | undefined, string]> = [
      ['missing-token', undefined, 'a join token is required'],
      ['missing-token', '', 'a join token is required'],
      ['expired', hs256(SECRET, { exp: inSeconds(-120) }), EXPIRED],
      [
        'not-yet-valid',
        hs256(SECRET, { nbf: inSeconds(300), exp: inSeconds(600) }),
        'the join token is not valid yet',
      ],
      ['bad-signature', hs256(`another-${SECRET}`, { exp: inSeconds(600) }), INVALID],
      ['unsupported-alg', unsigned({ exp: inSeconds(600) }), INVALID],
      ['bad-signature', `${head}.${otherRoom}.${signature}`, INVALID],
      ['bad-claim', hs256(SECRET, {}), INVALID],
      ['bad-claim', hs256(SECRET, { exp: 'tomorrow' }), INVALID],
      ['bad-claim', hs256(SECRET, { exp: inSeconds(600), room: ['r'] }), INVALID],
      ['malformed', 'not.a.jwt', INVALID],
      ['malformed', 'x'.repeat(20_000), INVALID],
    ];
    for (const [reason, token, told] of cases) {
      expect(await join('r', token), reason).toEqual(refused(told));
    }
    expect((await getIce()).status).toBe(401);
    expect((await getIce(hs256(SECRET, { exp: inSeconds(-120) }))).status).toBe(401);
    expect(await server.counter('icelane_joins_total', { outcome: 'unauthorized' })).toBe(
      cases.length,
    );
    const reasons = log.lines
      .map((line) => JSON.parse(line) as { msg: string; reason?: string })
      .filter((line) => line.msg === 'join token refused')
      .map((line) => line.reason);
    expect(reasons).toEqual([...cases.map(([reason]) => reason), 'missing-token', 'expired']);
  });

  it('allows a little clock skew on exp and nbf', async () => {
    const { join } = await serverWithJwt({ clockSkewMs: 30_000 });
    expect(await join('r', hs256(SECRET, { exp: inSeconds(-10) }))).toHaveProperty('data');
    expect(
      await join('r', hs256(SECRET, { nbf: inSeconds(10), exp: inSeconds(600) })),
    ).toHaveProperty('data');
    expect(await join('r', hs256(SECRET, { exp: inSeconds(-60) }))).toEqual(refused(EXPIRED));
  });

  it('checks iss and aud when configured', async () => {
    const { join } = await serverWithJwt({ issuer: 'https://app.example', audience: 'icelane' });
    const exp = inSeconds(600);
    const good = { iss: 'https://app.example', aud: 'icelane', exp };
    expect(await join('r', hs256(SECRET, good))).toHaveProperty('data');
    expect(await join('r', hs256(SECRET, { ...good, aud: ['other', 'icelane'] }))).toHaveProperty(
      'data',
    );
    expect(await join('r', hs256(SECRET, { ...good, iss: 'https://evil.example' }))).toEqual(
      refused(NOT_FOR_US),
    );
    expect(await join('r', hs256(SECRET, { ...good, aud: 'other' }))).toEqual(refused(NOT_FOR_US));
    expect(await join('r', hs256(SECRET, { exp }))).toEqual(refused(NOT_FOR_US));
  });

  it('refuses a token whose header names another algorithm, even with a valid HMAC', async () => {
    const { join } = await serverWithJwt();
    const forged = hs256(SECRET, { exp: inSeconds(600) }, { alg: 'HS512' });
    expect(await join('r', forged)).toEqual(refused(INVALID));
    const rs = hs256(SECRET, { exp: inSeconds(600) }, { alg: 'RS256' });
    expect(await join('r', rs)).toEqual(refused(INVALID));
  });

  it('never writes the secret or a token into a log line', async () => {
    const { join, getIce, log } = await serverWithJwt();
    const tokens = [
      hs256(SECRET, { exp: inSeconds(600) }),
      hs256(SECRET, { exp: inSeconds(-600) }),
      hs256('x'.repeat(40), { exp: inSeconds(600) }),
    ];
    for (const token of tokens) {
      await join('r', token);
      await getIce(token);
    }
    expect(log.lines.length).toBeGreaterThan(0);
    const text = log.text();
    expect(text).not.toContain(SECRET);
    for (const token of tokens) {
      for (const part of token.split('.')) expect(text).not.toContain(part);
    }
  });

  it('refuses to start with a short secret, or with both a secret and a JWKS URL', () => {
    expect(() => createJwtAuthorize({ secret: 'short-secret' })).toThrow(/at least 32 bytes/);
    expect(() => createJwtAuthorize({ secret: SECRET, jwksUrl: 'http://127.0.0.1/jwks' })).toThrow(
      /not both/,
    );
    for (const attempt of [
      () => createJwtAuthorize({ secret: 'short-secret' }),
      () => createJwtAuthorize({ secret: SECRET, jwksUrl: 'http://127.0.0.1/jwks' }),
    ]) {
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain('short-secret');
        expect((error as Error).message).not.toContain(SECRET);
      }
    }
  });
});

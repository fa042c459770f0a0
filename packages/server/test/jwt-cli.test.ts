/**
 * The JWT settings through the `icelane-server` CLI: the environment switches the check on, a
 * conflicting environment stops the start, and the secret stays out of the logs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '@icelane/testing';
import { runCli } from './support/cli-run.js';
import { connect, disconnectAll, request } from './support/clients.js';
import { hs256, inSeconds } from './support/jwt-signer.js';

const SECRET = 'cli-jwt-secret-0123456789abcdef-0123456789';

afterAll(() => disconnectAll());

describe('icelane-server with join tokens', () => {
  it('requires a valid token to join once ICELANE_JWT_SECRET is set', async () => {
    const server = await startServerProcess({
      env: {
        HOST: '127.0.0.1',
        ICELANE_JWT_SECRET: SECRET,
        ICELANE_JWT_AUDIENCE: 'icelane',
        ICELANE_LOG_LEVEL: 'debug',
      },
    });
    try {
      const anonymous = await connect(server.url);
      expect(await request(anonymous, 'room:join', { room: 'r' })).toMatchObject({
        error: { code: 'unauthorized' },
      });
      const token = hs256(SECRET, { aud: 'icelane', exp: inSeconds(600) });
      const member = await connect(server.url, { auth: { token } });
      expect(await request(member, 'room:join', { room: 'r' })).toHaveProperty('data');
      const wrongAudience = hs256(SECRET, { aud: 'other', exp: inSeconds(600) });
      const stranger = await connect(server.url, { auth: { token: wrongAudience } });
      expect(await request(stranger, 'room:join', { room: 'r' })).toMatchObject({
        error: { code: 'unauthorized' },
      });
      // Log lines come through a pipe: wait for the last one.
      await expect.poll(() => server.logs.join('\n')).toContain('"reason":"wrong-audience"');
      const logs = server.logs.join('\n');
      expect(logs).toContain('"joinTokens":"HS256"');
      expect(logs).not.toContain(SECRET);
    } finally {
      await server.stop();
    }
  });

  it('refuses to start with both a secret and a JWKS URL, naming both, not echoing the secret', async ({
    signal,
  }) => {
    const result = await runCli(
      [],
      {
        ICELANE_JWT_SECRET: SECRET,
        ICELANE_JWT_JWKS_URL: 'https://auth.example/.well-known/jwks.json',
      },
      signal,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ICELANE_JWT_SECRET');
    expect(result.stderr).toContain('ICELANE_JWT_JWKS_URL');
    expect(result.stderr + result.stdout).not.toContain(SECRET);
  });

  it('lists the JWT variables in --help', async ({ signal }) => {
    const result = await runCli(['--help'], {}, signal);
    for (const name of ['ICELANE_JWT_SECRET', 'ICELANE_JWT_JWKS_URL', 'ICELANE_JWT_ISSUER']) {
      expect(result.stdout).toContain(name);
    }
  });
});

/**
 * The `icelane-server` CLI as a process (built by the global setup) and configured only through its
 * environment, against a real coturn.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceServer, JoinAnswer } from '@icelane/protocol';
import { startCoturn, startServerProcess, type Coturn } from '@icelane/testing';
import { runCli } from './support/cli-run.js';
import { connect, disconnectAll, nextEvent, request } from './support/clients.js';
import { startCloudflareFake } from '@icelane/testing';
import { IPV4_ONLY_WARNING } from '../src/credentials/ipv4-only-warning.js';

let coturn: Coturn;

beforeAll(async () => {
  coturn = await startCoturn();
}, 180_000);

afterAll(async () => {
  disconnectAll();
  await coturn?.stop();
});

/** Allocates a relay on coturn with a credential, as a browser would; true when coturn accepts. */
function turnAccepts(server: IceServer): boolean {
  const result = spawnSync(
    'turnutils_uclient',
    [
      '-y',
      '-n',
      '1',
      '-m',
      '1',
      '-u',
      server.username!,
      '-w',
      server.credential!,
      '-p',
      String(coturn.port),
      coturn.ip,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return result.status === 0 && !/error|401|cannot/i.test(result.stdout + result.stderr);
}

describe('icelane-server', () => {
  it('--help lists every variable with its default and exits 0', async ({ signal }) => {
    const result = await runCli(['--help'], {}, signal);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('PORT (default: 8080)');
    expect(result.stdout).toContain('ICELANE_COTURN_SECRETS');
    expect(result.stdout).toContain('CLOUDFLARE_TURN_API_TOKEN');
  });

  it('exits 1 naming the bad variable, without echoing secrets', async ({ signal }) => {
    const result = await runCli(
      [],
      { ICELANE_TURN_TTL_SECONDS: 'soon', ICELANE_COTURN_SECRETS: 'do-not-print-me' },
      signal,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ICELANE_TURN_TTL_SECONDS: expected an integer');
    expect(result.stderr).toContain('ICELANE_COTURN_URLS: required when the provider is coturn');
    expect(result.stderr + result.stdout).not.toContain('do-not-print-me');
  });

  it('exits 1 when the static directory does not exist', async ({ signal }) => {
    const result = await runCli([], { ICELANE_STATIC_DIR: '/nonexistent/icelane-page' }, signal);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ICELANE_STATIC_DIR');
  });

  it('hands out coturn credentials that coturn accepts, and stops cleanly on SIGTERM', async () => {
    const server = await startServerProcess({
      env: {
        HOST: '127.0.0.1',
        ICELANE_STUN_URLS: coturn.stunUrl,
        ICELANE_COTURN_URLS: coturn.udpUrl,
        ICELANE_COTURN_SECRETS: coturn.secret,
        ICELANE_LOG_LEVEL: 'debug',
      },
    });
    try {
      expect(server.port).toBeGreaterThan(0);
      const socket = await connect(server.url);
      const answer = await request<JoinAnswer>(socket, 'room:join', { room: 'cli' });
      if (!('data' in answer)) throw new Error(JSON.stringify(answer));
      const { ice } = answer.data;
      expect(ice.turn).toBe(true);
      const turn = ice.iceServers.find((s) => String(s.urls).startsWith('turn:'))!;
      expect(turn.username).toMatch(/^\d+:/);
      expect(turnAccepts(turn)).toBe(true);
      // A negative control: the same check refuses a credential coturn did not sign.
      expect(turnAccepts({ ...turn, credential: 'forged' })).toBe(false);

      const notice = nextEvent(socket, 'server:shutdown');
      const started = Date.now();
      process.kill(server.pid, 'SIGTERM');
      expect(await notice).toEqual({ reconnectAfterMs: expect.any(Number) });
      expect(await server.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);

      const logs = server.logs.join('\n');
      expect(logs).toContain('"msg":"stopped"');
      expect(logs).not.toContain(coturn.secret);
      expect(logs).not.toContain(turn.credential!);
    } finally {
      await server.stop();
    }
  });

  it('listens on IPv6 with HOST=::, and warns at start that IPv4-literal ICE URLs leave IPv6-only phones out', async () => {
    const server = await startServerProcess({
      host: '[::1]',
      env: {
        HOST: '::',
        ICELANE_STUN_URLS: 'stun:203.0.113.1:3478',
        ICELANE_COTURN_URLS: 'turn:203.0.113.1:3478',
        ICELANE_COTURN_SECRETS: coturn.secret,
      },
    });
    try {
      const socket = await connect(server.url);
      const answer = await request<JoinAnswer>(socket, 'room:join', { room: 'cli-ipv6' });
      expect('data' in answer).toBe(true);
      expect(server.logs.join('\n')).toContain(IPV4_ONLY_WARNING);
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { warnings: string[] };
      expect(ready.warnings).toEqual([IPV4_ONLY_WARNING]);
    } finally {
      await server.stop();
    }
  });

  it('fails over from a Cloudflare that refuses its token to coturn, from ICELANE_TURN_PROVIDER=cloudflare,coturn', async () => {
    // The key's API refuses a token it does not know (401).
    const cloudflare = await startCloudflareFake();
    const handleKey = 'a-user-handle-key-of-at-least-32-bytes';
    const server = await startServerProcess({
      env: {
        HOST: '127.0.0.1',
        ICELANE_TURN_PROVIDER: 'cloudflare,coturn',
        ICELANE_FAILOVER_THRESHOLD: '1',
        CLOUDFLARE_TURN_KEY_ID: 'key-id',
        CLOUDFLARE_TURN_API_TOKEN: 'refused-cloudflare-token',
        CLOUDFLARE_TURN_API_URL: cloudflare.url,
        ICELANE_STUN_URLS: coturn.stunUrl,
        ICELANE_COTURN_URLS: coturn.udpUrl,
        ICELANE_COTURN_SECRETS: coturn.secret,
        ICELANE_USER_HANDLE_KEY: handleKey,
        ICELANE_LOG_LEVEL: 'debug',
      },
    });
    try {
      const socket = await connect(server.url);
      const answer = await request<JoinAnswer>(socket, 'room:join', { room: 'cli-failover' });
      if (!('data' in answer)) throw new Error(JSON.stringify(answer));
      const turn = answer.data.ice.iceServers.find((s) => String(s.urls).startsWith('turn:'))!;
      expect(turn.urls).toBe(coturn.udpUrl);
      expect(turnAccepts(turn)).toBe(true);
      expect(cloudflare.requests.length).toBeGreaterThan(0);
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as unknown;
      expect(ready).toMatchObject({
        ready: true,
        provider: {
          provider: 'coturn',
          providers: [
            { provider: 'cloudflare', state: 'misconfigured', breaker: 'open' },
            { provider: 'coturn', state: 'ok', breaker: 'closed' },
          ],
        },
      });
      const logs = server.logs.join('\n');
      expect(logs).toContain('"fallbacks":["coturn"]');
      expect(logs).toContain('turn provider failover');
      for (const secret of ['refused-cloudflare-token', handleKey, coturn.secret]) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await server.stop();
      await cloudflare.close();
    }
  });
});

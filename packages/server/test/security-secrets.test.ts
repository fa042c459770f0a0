/**
 * No secret leaks: a run through every path that handles one — mints, provider failures, bad
 * tokens, bad payloads, rate limits, revocations — with a Cloudflare provider (its token) and a
 * coturn provider (its secrets), both behind the JWT check (its secret). Every log line at debug
 * level, the /metrics, /readyz and /healthz pages and every error answer are searched for them.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { createJwtAuthorize } from '../src/auth/index.js';
import { createCoturnProvider } from '../src/credentials/index.js';
import { captureLogger } from './credentials/log-capture.js';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { connect, disconnectAll, request } from './support/clients.js';
import { hs256, inSeconds } from './support/jwt-signer.js';
import { closeAll, startTestServer } from './support/server.js';
import { cloudflareProviderOn } from './support/cloudflare-provider.js';

let cloudflare: CloudflareFake | null = null;
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await cloudflare?.close();
  cloudflare = null;
});

const turnCredentials = (ice: IceConfig | undefined) =>
  (ice?.iceServers ?? []).flatMap((server) => (server.credential ? [server.credential] : []));

describe('secrets stay secret', () => {
  it('keeps the provider token, the coturn secret, the JWT secret and minted credentials out of logs, metrics and error answers', async () => {
    const jwtSecret = `jwt-${randomBytes(24).toString('hex')}`;
    const coturnSecrets = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex')];
    cloudflare = await startCloudflareFake();
    const log = captureLogger();
    const deps = {
      logger: log.logger,
      authorize: createJwtAuthorize({ secret: jwtSecret }, { logger: log.logger }),
    };
    const backoff = { baseMs: 10, maxMs: 20, factor: 2 };
    const cloudflareServer = await startTestServer({
      deps,
      ice: {
        provider: cloudflareProviderOn(cloudflare, { timeoutMs: 300 }),
        // Per session, so every join calls the API and every failure path is taken.
        scope: 'per-session',
        backoff,
        mintTimeoutMs: 400,
        joinTimeoutMs: 500,
      },
    });
    const coturnServer = await startTestServer({
      deps,
      ice: {
        provider: createCoturnProvider({ urls: ['turn:127.0.0.1:3478'], secrets: coturnSecrets }),
      },
      options: { rateLimits: { iceRefresh: { burst: 2, perSecond: 0.001 } } },
    });

    const token = hs256(jwtSecret, { sub: 'ada', exp: inSeconds(600) });
    const tokens = [
      token,
      hs256(jwtSecret, { exp: inSeconds(-600) }),
      hs256('y'.repeat(40), { exp: inSeconds(60) }),
    ];
    const errors: string[] = [];
    const minted: string[] = [];
    const keep = (answer: unknown) => {
      if (typeof answer === 'object' && answer !== null && 'error' in answer)
        errors.push(JSON.stringify(answer));
      if (typeof answer === 'object' && answer !== null && 'data' in answer) {
        const data = answer.data as { ice?: IceConfig } & Partial<IceConfig>;
        minted.push(...turnCredentials(data.ice ?? (data as IceConfig)));
      }
    };
    const getIce = async (url: string, bearer?: string) => {
      const response = await fetch(`${url}/ice`, {
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
      const body = await response.text();
      if (response.ok) minted.push(...turnCredentials(JSON.parse(body) as IceConfig));
      else errors.push(body);
    };
    const session = async (url: string, bearer: string | undefined) => {
      const socket = await connect(url, bearer ? { auth: { token: bearer } } : {});
      keep(await request(socket, 'room:join', { room: 'call', name: 'Ada' }));
      for (let i = 0; i < 3; i++) keep(await request(socket, 'ice:refresh'));
      keep(await request(socket, 'signal', { to: 'nobody', attempt: 1, data: { type: 'offer' } }));
      keep(await request(socket, 'signal', { to: 5 }));
      keep(await request(socket, 'connection:report', { peerId: 'x' }));
      keep(await request(socket, 'room:join', { room: 'again' }));
      await getIce(url, bearer);
      socket.disconnect();
    };

    for (const url of [cloudflareServer.url, coturnServer.url]) {
      for (const bearer of [...tokens, undefined]) await session(url, bearer);
    }
    // The Cloudflare API fails in every way it can; joins go on STUN-only meanwhile.
    for (const mode of [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 401 },
      { kind: 'hang' },
      { kind: 'body', body: `{"iceServers":"${cloudflare.token}"}` },
      { kind: 'ok', status: 201 },
    ] as const) {
      cloudflare.mode = mode;
      // The backoff after the last failure is over: the next join calls the API in this mode.
      await new Promise((resolve) => setTimeout(resolve, backoff.maxMs));
      await session(cloudflareServer.url, token);
    }
    const pages: string[] = [];
    for (const server of [cloudflareServer, coturnServer]) {
      for (const path of ['/metrics', '/history', '/readyz', '/healthz']) {
        pages.push(await (await fetch(`${server.url}${path}`)).text());
      }
    }

    // The run went through the paths that could leak: mints, failures, refusals, revocations.
    expect(cloudflare.issued.length).toBeGreaterThan(2);
    expect(minted.length).toBeGreaterThan(10);
    expect(errors.some((error) => error.includes('unauthorized'))).toBe(true);
    expect(errors.some((error) => error.includes('rate-limited'))).toBe(true);
    const logged = log.text();
    expect(logged).toContain('turn provider call failed');
    expect(logged).toContain('turn provider refused our credentials');
    expect(logged).toContain('join token refused');
    expect(cloudflare.revoked.length).toBeGreaterThan(0);

    const haystack = [logged, ...pages, ...errors].join('\n');
    const needles = [
      cloudflare.token,
      ...coturnSecrets,
      jwtSecret,
      ...cloudflare.issued.flatMap((issued) => [issued.username, issued.credential]),
      ...minted,
      ...tokens.map((t) => t.split('.')[2]!),
    ];
    for (const needle of needles)
      expect(haystack.includes(needle), `leaked ${needle.slice(0, 6)}…`).toBe(false);
  });
});

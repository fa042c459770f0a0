import { afterEach, describe, expect, it } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { startCloudflareFake, type CloudflareFake } from '@icelane/testing';
import { createStaticProvider } from '../src/credentials/index.js';
import { IPV4_ONLY_WARNING } from '../src/credentials/ipv4-only-warning.js';
import { disconnectAll } from './support/clients.js';
import { STATIC_TURN, closeAll, startTestServer } from './support/server.js';
import { cloudflareProviderOn } from './support/cloudflare-provider.js';

let fake: CloudflareFake | null = null;
afterEach(async () => {
  disconnectAll();
  await closeAll();
  await fake?.close();
  fake = null;
});

describe('GET /ice', () => {
  it('answers the ICE configuration as JSON, never cached', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/ice`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const ice = (await res.json()) as IceConfig;
    expect(ice).toMatchObject({ turn: true, policy: 'all', expiresAt: null });
    expect(ice.iceServers).toContainEqual({
      urls: STATIC_TURN.urls,
      username: STATIC_TURN.username,
      credential: STATIC_TURN.credential,
    });
  });

  it('asks the authorize hook with the bearer token', async () => {
    const seen: Array<string | undefined> = [];
    const server = await startTestServer({
      deps: {
        authorize: async ({ token }) => {
          seen.push(token);
          return token === 'let-me-in';
        },
      },
    });
    const refused = await fetch(`${server.url}/ice`, { headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 'unauthorized', message: 'not allowed' },
    });
    expect((await fetch(`${server.url}/ice`)).status).toBe(401);
    const allowed = await fetch(`${server.url}/ice`, {
      headers: { authorization: 'Bearer let-me-in' },
    });
    expect(allowed.status).toBe(200);
    expect(seen).toEqual(['nope', undefined, 'let-me-in']);
  });

  it('sends CORS headers to allowed origins only, and answers the preflight', async () => {
    const server = await startTestServer({ options: { corsOrigins: ['https://app.example'] } });
    const allowed = await fetch(`${server.url}/ice`, {
      headers: { origin: 'https://app.example' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${server.url}/ice`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${server.url}/ice`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
  });
});

describe('health and metrics', () => {
  it('/healthz is 200 while the process is alive', async () => {
    const server = await startTestServer();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 with the provider healthy, and 503 once shutting down', async () => {
    const server = await startTestServer();
    await fetch(`${server.url}/ice`);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      shuttingDown: false,
      provider: { provider: 'static', state: 'ok' },
    });

    let open!: () => void;
    const held = await startTestServer({ closeGate: new Promise<void>((r) => (open = r)) });
    const closing = held.close();
    const stopping = await fetch(`${held.url}/readyz`);
    expect(stopping.status).toBe(503);
    expect(await stopping.json()).toMatchObject({ ready: false, shuttingDown: true });
    open();
    await closing;
  });

  it('/readyz warns when every ICE URL is an IPv4 literal, and not once one has a host name', async () => {
    const literals = await startTestServer();
    expect(await (await fetch(`${literals.url}/readyz`)).json()).toMatchObject({
      ready: true,
      warnings: [IPV4_ONLY_WARNING],
    });
    const named = await startTestServer({
      ice: {
        provider: createStaticProvider({ ...STATIC_TURN, urls: ['turn:turn.example.com:3478'] }),
      },
    });
    expect(await (await fetch(`${named.url}/readyz`)).json()).toMatchObject({ warnings: [] });
  });

  it('/readyz is 503 when the provider refuses our credentials, without the token', async () => {
    fake = await startCloudflareFake();
    // Not the key's token: the API answers 401.
    const token = 'cf-api-token-0123456789';
    const server = await startTestServer({
      ice: {
        provider: cloudflareProviderOn(fake, { apiToken: token }),
      },
    });
    const ice = (await (await fetch(`${server.url}/ice`)).json()) as IceConfig;
    // A join never fails because TURN does: it gets STUN only, and says so.
    expect(ice.turn).toBe(false);
    expect(fake.requests).toHaveLength(1);
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({
      ready: false,
      provider: { provider: 'cloudflare', state: 'misconfigured' },
    });
    expect(body).not.toContain(token);
  });

  it('/metrics answers the Prometheus text of the server', async () => {
    const server = await startTestServer();
    await fetch(`${server.url}/ice`);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE icelane_joins_total counter');
    expect(text).toContain('icelane_connected_sockets 0');
    expect(text).not.toContain(STATIC_TURN.credential);
  });

  it('answers 404 to unknown paths and 405 to other methods', async () => {
    const server = await startTestServer();
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    const post = await fetch(`${server.url}/ice`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('serves the routes under a path prefix, and nothing outside it', async () => {
    const server = await startTestServer({ options: { pathPrefix: '/rtc' } });
    expect((await fetch(`${server.url}/rtc/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(404);
  });
});

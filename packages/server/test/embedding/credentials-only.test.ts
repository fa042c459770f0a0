/**
 * Credentials only: an app with signaling of its own mounts `createIcelaneHandler` for
 * `GET /ice` (TURN credentials from icelane's source and cache) and runs no socket.io.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IceConfig } from '@icelane/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createIcelaneHandler } from '../../src/http/handler.js';
import { createIceSource, createStaticProvider } from '../../src/credentials/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { STATIC_TURN } from '../support/server.js';

let http: Server | null = null;
afterEach(async () => {
  const server = http;
  http = null;
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createIcelaneHandler', () => {
  it("answers GET /ice under its prefix and hands the app's requests to next", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const iceSource = createIceSource(
      { provider: createStaticProvider(STATIC_TURN) },
      { logger: silentLogger, metrics },
    );
    const handler = createIcelaneHandler(
      { iceSource, metrics, authorize: async ({ token }) => token === 'member' },
      { pathPrefix: '/turn' },
    );
    http = createServer((req, res) =>
      handler(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`app: ${req.url}`);
      }),
    );
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const member = { headers: { authorization: 'Bearer member' } };
    const ice = (await (await fetch(`${base}/turn/ice`, member)).json()) as IceConfig;
    expect(ice.iceServers).toContainEqual({
      urls: STATIC_TURN.urls,
      username: STATIC_TURN.username,
      credential: STATIC_TURN.credential,
    });
    expect((await fetch(`${base}/turn/ice`)).status).toBe(401);
    expect((await fetch(`${base}/turn/healthz`)).status).toBe(200);
    const exposition = await (await fetch(`${base}/turn/metrics`)).text();
    expect(exposition).toMatch(/^icelane_turn_answers_total/m);
    expect(await (await fetch(`${base}/ice`)).text()).toBe('app: /ice');
    expect(await (await fetch(`${base}/turn/socket.io/?EIO=4`)).text()).toBe(
      'app: /turn/socket.io/?EIO=4',
    );
    await iceSource.close();
  });
});

/**
 * One TURN credential for several nodes, through a real Redis, against the local stand-in for
 * Cloudflare's API (the only fake: Cloudflare cannot be reached from here): a burst of joins
 * spread over two CLI nodes makes one provider call, and a refresh by one node leaves the others
 * serving the unexpired credential meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import {
  eventually,
  logged,
  redisUpOn,
  startCloudflareFake,
  startRedisNodes,
  type CloudflareFake,
  type RedisNodes,
  type RedisServer,
} from '@icelane/testing';
import { createIceSource, type IceSource } from '../../src/credentials/ice-source.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createRedisScaleOut, type ScaleOut } from '../../src/scale/scale-out.js';
import { connect, disconnectAll, request } from '../support/clients.js';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

let cluster: RedisNodes;
let redis: RedisServer;
let fake: CloudflareFake;

beforeAll(async () => {
  cluster = await startRedisNodes({ nodes: 0 });
  ({ redis } = cluster);
}, 180_000);

afterAll(async () => {
  disconnectAll();
  await cluster?.stop();
  await fake?.close();
});

const mints = () => fake.mintRequests().length;
const turnUsername = (ice: JoinAnswer['ice']) =>
  ice.iceServers.find((server) => server.username)?.username;

describe('a TURN credential shared by several nodes', () => {
  it('answers 200 concurrent joins spread over two nodes with one provider call', async () => {
    fake = await startCloudflareFake();
    // Slow enough that both nodes are cold and asking at the same time.
    fake.mode = { kind: 'slow', delayMs: 500 };
    const env = {
      CLOUDFLARE_TURN_KEY_ID: fake.keyId,
      CLOUDFLARE_TURN_API_TOKEN: fake.token,
      CLOUDFLARE_TURN_API_URL: fake.url,
      ICELANE_STUN_URLS: 'stun:127.0.0.1:3478',
      // Each client speaks for its own address, as behind a proxy, so per-IP limits stay out.
      ICELANE_TRUSTED_PROXIES: '127.0.0.1',
    };
    const nodes = await Promise.all([cluster.startNode(env), cluster.startNode(env)]);
    await redisUpOn(...nodes);

    const sockets = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        connect(nodes[i % 2]!.url, { extraHeaders: { 'x-forwarded-for': `203.0.113.${i}` } }),
      ),
    );
    const answers = await Promise.all(
      sockets.map((socket, i) =>
        request<JoinAnswer>(socket, 'room:join', { room: `burst-${i % 50}` }),
      ),
    );

    expect(mints()).toBe(1);
    const username = fake.issued[0]!.username;
    for (const answer of answers) {
      expect(answer).toHaveProperty('data');
      const ice = (answer as { data: JoinAnswer }).data.ice;
      expect(ice.turn).toBe(true);
      expect(turnUsername(ice)).toBe(username);
    }
    // Neither the API token nor the credential reached a log line.
    for (const node of nodes) {
      const text = node.logs.join('\n');
      expect(text).not.toContain(fake.token);
      expect(text).not.toContain(fake.issued[0]!.credential);
      expect(logged(node, 'redis unavailable')).toEqual([]);
    }
  }, 60_000);

  it('serves the unexpired credential on every node while one node refreshes it', async () => {
    const api = await startCloudflareFake();
    // Database 1: the credential of the test before is in database 0.
    const scaleOuts: ScaleOut[] = [];
    const sources: IceSource[] = [];
    // The sources' and the provider's clock: the test moves it past the refresh point instead of
    // sleeping into a real-time window a busy machine may miss.
    const clock = { at: Date.now(), now: () => clock.at };
    try {
      for (let i = 0; i < 2; i++) {
        const scaleOut = await createRedisScaleOut(`${redis.url}/1`, silentLogger);
        scaleOuts.push(scaleOut);
        sources.push(
          createIceSource(
            {
              stunUrls: [],
              provider: cloudflareProviderOn(api, { now: clock.now }),
              // Due for refresh after 5 s, unusable after 9 s.
              ttlSeconds: 10,
              minRemainingMs: 1_000,
              refreshAheadRatio: 0.5,
            },
            {
              logger: silentLogger,
              metrics: createMetrics({ processMetrics: false }),
              store: scaleOut.credentialStore,
              now: clock.now,
            },
          ),
        );
      }
      await eventually(
        () => scaleOuts.every((s) => s.health().state === 'ok'),
        'both nodes connected to Redis',
      );
      const [a, b] = sources as [IceSource, IceSource];
      const session = { sessionId: 'session-1' };
      const first = turnUsername(await a.iceFor(session));
      expect(turnUsername(await b.iceFor(session))).toBe(first);
      expect(api.issued).toHaveLength(1);

      // Past the refresh point (5 s) and short of unusable (9 s).
      clock.at += 5_300;
      let release = () => {};
      api.mode = { kind: 'held', release: new Promise<void>((resolve) => (release = resolve)) };
      const during = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).iceFor(session)),
      );
      // All answered while the provider still holds its answer, with the credential that is
      // still valid: a refresh is never waited for.
      expect(api.issued).toHaveLength(1);
      for (const answer of during) expect(turnUsername(answer)).toBe(first);
      release();

      const second = () => api.issued[1]?.username;
      await eventually(
        async () =>
          second() !== undefined &&
          turnUsername(await a.iceFor(session)) === second() &&
          turnUsername(await b.iceFor(session)) === second(),
        'both nodes hand out the refreshed credential',
      );
      expect(api.mintRequests()).toHaveLength(2);
    } finally {
      await Promise.all(sources.map((source) => source.close()));
      await Promise.all(scaleOuts.map((scaleOut) => scaleOut.close()));
      await api.close();
    }
  }, 60_000);
});

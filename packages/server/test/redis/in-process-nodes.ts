/**
 * icelane nodes started in the test's own process on a real Redis Cluster or a primary behind
 * Sentinel (their roster's and link's options set by the test), the Redis a file's tests share,
 * and the node ids and rooms whose keys live on a chosen shard of a Cluster.
 */
import { afterAll, beforeAll } from 'vitest';
import { redisUpOn, type RedisCluster, type RedisSentinel } from '@icelane/testing';
import type { IcelaneServerDeps } from '../../src/app.js';
import { randomId } from '../../src/clients/ids.js';
import { silentLogger } from '../../src/observability/logger.js';
import type {
  RedisLinkOptions,
  RedisRosterOptions,
  RedisTarget,
} from '../../src/scale/redis-options.js';
import { connectRedis } from '../../src/scale/redis-link.js';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { createRedisScaleOut } from '../../src/scale/scale-out.js';
import { disconnectAll } from '../support/clients.js';
import { closeAll, startTestServer, type TestServer } from '../support/server.js';

export const keys = rosterKeys('icelane:');

const noAccess = { username: null, password: null, tls: false };

export function clusterTarget(cluster: RedisCluster): RedisTarget {
  const nodes = cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  return { kind: 'cluster', nodes, ...noAccess };
}

export function sentinelTarget(sentinel: RedisSentinel): RedisTarget {
  const sentinels = sentinel.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  return { kind: 'sentinel', sentinels, masterName: sentinel.masterName, ...noAccess };
}

/**
 * Registers the file's `beforeAll` and `afterAll`: `start` brings up the Redis the file's tests
 * share; after them every client, every node started here and the Redis are stopped, whatever
 * the tests did. The function returned gives the Redis, once `beforeAll` has run.
 */
export function redisForFile<R extends { stop(): Promise<void> }>(
  start: () => Promise<R>,
): () => R {
  let redis: R | undefined;
  beforeAll(async () => {
    redis = await start();
  }, 60_000);
  afterAll(async () => {
    disconnectAll();
    await closeAll();
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('the Redis is started in beforeAll');
    return redis;
  };
}

/** A node on `target`, once its Redis works. Closed by `closeAll` with the other test servers. */
export async function startScaledNode(
  target: RedisTarget,
  roster: Partial<RedisRosterOptions>,
  link: Partial<RedisLinkOptions> = {},
  deps: Partial<IcelaneServerDeps> = {},
): Promise<TestServer> {
  const scaleOut = await createRedisScaleOut(target, silentLogger, { roster, link });
  const server = await startTestServer({ deps: { ...deps, scaleOut } });
  await redisUpOn(server);
  return server;
}

/** A fresh node id whose list of peers lives on the `shard` primary. */
export async function nodeIdListedOn(cluster: RedisCluster, shard: number): Promise<string> {
  let nodeId = randomId();
  while ((await cluster.primaryOf(keys.nodePeers(nodeId))) !== shard) nodeId = randomId();
  return nodeId;
}

/** A fresh room whose peers live on the `shard` primary. */
export async function roomOn(cluster: RedisCluster, shard: number): Promise<string> {
  let room = `room-${randomId()}`;
  while ((await cluster.primaryOf(keys.room(room))) !== shard) room = `room-${randomId()}`;
  return room;
}

/** What a node on `target` takes for the window in which a failover may undo a write. */
export async function undoneWriteWindowOn(target: RedisTarget): Promise<number | null> {
  const link = await connectRedis(target, silentLogger);
  try {
    await new Promise<void>((resolve) => link.onReady(resolve));
    return await link.undoneWriteWindowMs();
  } finally {
    await link.close();
  }
}

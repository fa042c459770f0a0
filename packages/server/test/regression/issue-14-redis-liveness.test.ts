/**
 * Issue 14, defect 5, at the roster's scripts: once Redis comes back from a pause longer than the
 * liveness period, the first node to beat must not take the others for dead (every node's last
 * beat is old in Redis time only because nobody could reach Redis). A node that stays silent
 * while Redis is reachable is still cleared.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { HEARTBEAT } from '../../src/scale/roster-scripts.js';
import { startRedis, type RedisServer } from '@icelane/testing';

const PREFIX = 'liveness:';
const LIVENESS_MS = 1_500;
const GAP_MS = 600;
const BEAT_EVERY_MS = 150;
const DEAD_MEMORY_MS = 60_000;
const keys = rosterKeys(PREFIX);

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One heartbeat of `node`, as the roster sends it; answers the nodes it found dead. */
async function beat(node: string): Promise<string[]> {
  const [found] = (await client.eval(
    HEARTBEAT,
    keys.nodes.length,
    ...keys.nodes,
    node,
    LIVENESS_MS,
    GAP_MS,
    1,
    DEAD_MEMORY_MS,
  )) as [string[], string[]];
  return found;
}

describe('issue 14: liveness across a Redis pause', () => {
  it('finds no live node dead after a pause, and still finds a node that stopped beating', async () => {
    // Both nodes beat long enough for liveness to be judged at all.
    const until = Date.now() + LIVENESS_MS + 500;
    while (Date.now() < until) {
      expect([...(await beat('a')), ...(await beat('b'))]).toEqual([]);
      await sleep(BEAT_EVERY_MS);
    }

    redis.pause();
    await sleep(LIVENESS_MS + GAP_MS + 1_000);
    redis.resume();

    // Node a is back first: b had no way to beat meanwhile.
    expect(await beat('a')).toEqual([]);

    // Now b stays silent while Redis answers: once its liveness runs out, a finds it dead (and
    // the roster of a clears its peers).
    const cleared: string[] = [];
    const deadline = Date.now() + 20_000;
    while (cleared.length === 0 && Date.now() < deadline) {
      await sleep(BEAT_EVERY_MS);
      cleared.push(...(await beat('a')));
    }
    expect(cleared).toEqual(['b']);
  }, 40_000);
});

/**
 * Redis going away under two running CLI nodes, and coming back on the same port: each node keeps
 * answering joins and relaying within itself, says so once in its log and on `/readyz` (never
 * with the Redis password), and rooms span the nodes again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import {
  eventually,
  logged,
  readyz,
  redisUpOn,
  startRedis,
  startRedisNodes,
  type RedisNodes,
  type RedisServer,
  type ServerProcess,
} from '@icelane/testing';
import { reconnectDelayMs, redisLinkDefaults } from '../../src/scale/redis-options.js';
import { disconnectAll, joined, nextEvent, request, type TestClient } from '../support/clients.js';
import { STATIC_TURN_ENV } from './static-turn-env.js';

const PASSWORD = 'redis-password-4f9c2e';
const offer = { type: 'offer', sdp: 'v=0\r\n' };
let cluster: RedisNodes;
let redis: RedisServer;
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
  cluster = await startRedisNodes({ env: STATIC_TURN_ENV, redis: { password: PASSWORD } });
  ({ redis } = cluster);
  [one, two] = cluster.nodes as [ServerProcess, ServerProcess];
}, 180_000);

afterAll(async () => {
  disconnectAll();
  await cluster?.stop();
});

/** Sends a signal and waits for it at the other end; `false` when it does not arrive. */
async function signalArrives(
  from: { socket: TestClient },
  to: { socket: TestClient; answer: JoinAnswer },
): Promise<boolean> {
  const arrived = nextEvent(to.socket, 'signal', 1_000).then(
    () => true,
    () => false,
  );
  const ack = await request(from.socket, 'signal', {
    to: to.answer.peerId,
    attempt: 1,
    data: offer,
  });
  return 'data' in ack && (await arrived);
}

describe('Redis going away and coming back', () => {
  it('degrades each node to working alone, says so once, and recovers on the same port', async () => {
    const alice = await joined(one.url, 'call');
    const bob = await joined(two.url, 'call');
    expect(await signalArrives(alice, bob)).toBe(true);

    await redis.stop();
    for (const node of [one, two]) {
      await eventually(async () => (await readyz(node)).body.redis.state === 'down', 'redis down');
      const { status, body } = await readyz(node);
      // Still ready: a node without Redis serves its own clients.
      expect(status).toBe(200);
      expect(body).toMatchObject({ ready: true, redis: { state: 'down' } });
    }

    // Joins are still answered, with TURN, and peers on one node still reach each other.
    const carol = await joined(one.url, 'during');
    const dave = await joined(one.url, 'during');
    expect(carol.answer.ice.turn).toBe(true);
    expect(dave.answer.peers).toEqual([{ peerId: carol.answer.peerId }]);
    expect(await signalArrives(dave, carol)).toBe(true);
    const erin = await joined(two.url, 'during');
    expect(erin.answer.peers).toEqual([]);

    // Reconnection keeps failing meanwhile; the log says it once per node, however many attempts
    // fail: the wait lasts as long as the first few of them.
    const attempts = [1, 2, 3, 4, 5, 6];
    const fewAttemptsMs = attempts
      .map((attempt) => reconnectDelayMs(attempt, redisLinkDefaults.maxReconnectDelayMs))
      .reduce((sum, delayMs) => sum + delayMs, 0);
    await new Promise((resolve) => setTimeout(resolve, fewAttemptsMs));
    for (const node of [one, two]) {
      expect(logged(node, 'redis unavailable')).toHaveLength(1);
    }

    await redis.start();
    await redisUpOn(one, two);
    for (const node of [one, two]) {
      expect((await readyz(node)).status).toBe(200);
      await eventually(() => logged(node, 'redis available again').length === 1, 'recovery logged');
    }
    // Each node wrote its peers back: signals cross nodes again, and newcomers see everyone.
    await eventually(() => signalArrives(alice, bob), 'alice reaches bob across nodes');
    await eventually(() => signalArrives(bob, alice), 'bob reaches alice across nodes');
    const frank = await joined(two.url, 'call');
    expect(frank.answer.peers.map((peer) => peer.peerId).sort()).toEqual(
      [alice.answer.peerId, bob.answer.peerId].sort(),
    );

    for (const node of [one, two]) {
      const text = node.logs.join('\n');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(redis.url);
      expect(JSON.stringify((await readyz(node)).body)).not.toContain(PASSWORD);
    }
    // Neither node fell over on the way.
    const exited = await Promise.race([
      Promise.any([one.exited, two.exited]).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    expect(exited).toBe(false);
  }, 90_000);

  it('works alone while Redis hangs, instead of waiting on it for every join', async () => {
    const alice = await joined(one.url, 'frozen');
    const bob = await joined(two.url, 'frozen');
    redis.pause();
    try {
      // The first join finds out (commands time out after a second); it is still answered.
      const carol = await joined(one.url, 'frozen-2');
      expect(carol.answer.ice.turn).toBe(true);
      await eventually(async () => (await readyz(one)).body.redis.state === 'down', 'one: down');
      expect((await readyz(one)).body.redis).toMatchObject({ lastError: 'commands time out' });
      // Then joins no longer wait on Redis at all. Ten joins that each waited for a command to
      // time out would take ten seconds or more; ten that do not take a fraction of that even
      // on a busy machine, so the bound only catches the waiting.
      const before = Date.now();
      const dave = await joined(one.url, 'frozen-2');
      expect(dave.answer.peers).toEqual([{ peerId: carol.answer.peerId }]);
      for (let i = 0; i < 9; i++) await joined(one.url, `frozen-more-${i}`);
      expect(Date.now() - before).toBeLessThan(10 * redisLinkDefaults.commandTimeoutMs);
    } finally {
      redis.resume();
    }
    await redisUpOn(one, two);
    await eventually(() => signalArrives(alice, bob), 'alice reaches bob after the freeze');
  }, 60_000);

  it('starts without Redis, works alone, and joins the others once Redis answers', async () => {
    const late = await startRedis();
    await late.stop();
    try {
      const node = await cluster.startNode(STATIC_TURN_ENV, late.url);
      await eventually(() => logged(node, 'redis unavailable').length === 1, 'outage logged');
      expect((await readyz(node)).body).toMatchObject({ ready: true, redis: { state: 'down' } });
      const alice = await joined(node.url, 'early');
      expect(alice.answer.ice.turn).toBe(true);

      await late.start();
      await redisUpOn(node);
      const other = await cluster.startNode(STATIC_TURN_ENV, late.url);
      await redisUpOn(other);
      const bob = await joined(other.url, 'early');
      expect(bob.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
      expect(await signalArrives(bob, alice)).toBe(true);
    } finally {
      await late.stop();
    }
  }, 60_000);
});

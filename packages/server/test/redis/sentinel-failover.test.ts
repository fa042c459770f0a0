/**
 * Issue 29: three `icelane-server` processes on a primary with two replicas behind three
 * sentinels (every one a `redis-server` process), with clients joining, signaling and leaving the
 * whole time. The primary is killed; the sentinels promote a replica and the nodes follow it: no
 * live peer is announced gone, every join is answered within its bound, a resume token issued
 * before is honoured after, no signal answered `delivered` is lost, even before the nodes have
 * reconnected (what Redis could not carry is answered `unavailable`), and once they have every
 * signal arrives.
 */
import { describe, it } from 'vitest';
import { redisCli, redisUpOn, startRedisSentinel } from '@icelane/testing';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { RECONNECT_SETTLE_MS } from './failover-bounds.js';
import {
  expectNothingLost,
  expectOnlyPairsStored,
  expectResumeHonoured,
  failoverFigures,
} from './failover-checks.js';
import { failoverNodes } from './failover-nodes.js';
import { startTraffic } from './traffic.js';

const setup = failoverNodes(startRedisSentinel, (sentinel) => ({
  REDIS_SENTINELS: sentinel.sentinelList,
  REDIS_SENTINEL_MASTER: sentinel.masterName,
}));
const { nodes } = setup;

describe('a primary behind Sentinel killed under load', () => {
  it('loses no live peer, answers every join in time, keeps resume tokens, and signals flow again', async () => {
    const rooms = Array.from({ length: 6 }, (_, i) => `sentinel-${i}`);
    const traffic = await startTraffic(nodes, rooms);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const sentinel = setup.redis();
    const killedAt = Date.now();
    const killed = await sentinel.killPrimary();
    const promoted = await sentinel.failedOver(killed);
    const promotedAt = Date.now();
    await redisUpOn(...nodes);
    // Settled once every node has moved (it looks rooms up in Redis again from then on).
    const settledAt = Math.max(promotedAt + RECONNECT_SETTLE_MS, Date.now());
    await new Promise((resolve) => setTimeout(resolve, settledAt - Date.now() + 2_000));
    const report = await traffic.stop();

    const afterSettle = report.signals.filter((s) => s.sentAt > settledAt);
    console.log(
      `sentinel: primary :${killed} killed; :${promoted} promoted after ` +
        `${promotedAt - killedAt} ms; ${failoverFigures(report, killedAt)}`,
    );
    expectNothingLost(report, afterSettle);
    await expectOnlyPairsStored(traffic, async (room) =>
      (await redisCli(promoted, 'hkeys', rosterKeys('icelane:').room(room)))
        .split('\n')
        .filter(Boolean),
    );
    await expectResumeHonoured(traffic, nodes[2]!);
  }, 60_000);
});

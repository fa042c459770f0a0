/**
 * Issue 29: three `icelane-server` processes on a primary with two replicas behind three
 * sentinels (every one a `redis-server` process), with clients joining, signaling and leaving the
 * whole time. The primary is killed; the sentinels promote a replica and the nodes follow it: no
 * live peer is announced gone, every join is answered within its bound, a resume token issued
 * before is honoured after, no signal answered `delivered` is lost, even before the nodes have
 * reconnected (what Redis could not carry is answered `unavailable`), and once they have every
 * signal arrives.
 */
import { describe, expect, it } from 'vitest';
import { redisUpOn, startRedisSentinel } from '@icelane/testing';
import { joined, nextEvent } from '../support/clients.js';
import { JOIN_BOUND_MS, RECONNECT_SETTLE_MS } from './failover-bounds.js';
import { failoverNodes } from './failover-nodes.js';
import { flowingAgainAfterMs, refusals, startTraffic } from './traffic.js';

const setup = failoverNodes(startRedisSentinel, (sentinel) => ({
  REDIS_SENTINELS: sentinel.sentinelList,
  REDIS_SENTINEL_MASTER: sentinel.masterName,
}));
const { nodes } = setup;

describe('a primary behind Sentinel killed under load', () => {
  it('loses no live peer, answers every join in time, keeps resume tokens, and signals flow again', async () => {
    const rooms = Array.from({ length: 6 }, (_, i) => `sentinel-${i}`);
    const traffic = await startTraffic(nodes, rooms);
    const resumer = traffic.pairs[1]!.bob;
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
        `${promotedAt - killedAt} ms; signals flowing again after ` +
        `${flowingAgainAfterMs(report.signals, killedAt)} ms; ${report.lost.length} of ` +
        `${report.signals.length} signals lost, ` +
        `${report.signals.filter((s) => s.outcome !== 'delivered').length} not delivered ` +
        `(refused: ${refusals(report.signals)}); ` +
        `joins: ${report.joins.length}, slowest ` +
        `${Math.max(...report.joins.map((j) => j.ms))} ms`,
    );
    expect(report.announcedGone).toEqual([]);
    // Once settled, signals flow again: every one delivered and arrived.
    expect(afterSettle.length).toBeGreaterThan(0);
    expect(afterSettle.filter((s) => s.arrivedAt === null)).toEqual([]);
    // Nothing answered `delivered` was lost, before the failover settled as after: what Redis could
    // not carry was answered `unavailable`.
    expect(report.lost).toEqual([]);
    expect(report.joins.filter((j) => !j.ok || j.ms > JOIN_BOUND_MS)).toEqual([]);

    const token = resumer.answer.resumeToken!;
    const alice = traffic.pairs[1]!.alice;
    const rejoined = nextEvent<{ rejoinOf?: string }>(alice.socket, 'peer:joined');
    const again = await joined(nodes[2]!.url, rooms[1]!, { resume: token });
    expect((await rejoined).rejoinOf).toBe(resumer.answer.peerId);
    expect(again.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  }, 60_000);
});

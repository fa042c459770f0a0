/**
 * Issue 29: three `icelane-server` processes on a primary with two replicas behind three
 * sentinels (every one a `redis-server` process), with clients joining, signaling and leaving the
 * whole time. The primary is killed; the sentinels promote a replica and the nodes follow it: no
 * live peer is announced gone, every join is answered within its bound, a resume token issued
 * before is honoured after, and once the nodes have reconnected no signal reported delivered is
 * lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisUpOn,
  startRedisSentinel,
  startServerProcess,
  type RedisSentinel,
  type ServerProcess,
} from '@icelane/testing';
import { disconnectAll, joined, nextEvent } from '../support/clients.js';
import { JOIN_BOUND_MS, RECONNECT_SETTLE_MS } from './failover-bounds.js';
import { STATIC_TURN_ENV } from './static-turn-env.js';
import { flowingAgainAfterMs, lostOf, startTraffic } from './traffic.js';

let sentinel: RedisSentinel;
const nodes: ServerProcess[] = [];

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  const env = {
    ...STATIC_TURN_ENV,
    REDIS_SENTINELS: sentinel.sentinelList,
    REDIS_SENTINEL_MASTER: sentinel.masterName,
    HOST: '127.0.0.1',
    ICELANE_LOG_LEVEL: 'debug',
  };
  for (let i = 0; i < 3; i++) nodes.push(await startServerProcess({ env }));
  await redisUpOn(...nodes);
}, 60_000);

afterAll(async () => {
  disconnectAll();
  await Promise.all(nodes.map((node) => node.stop()));
  await sentinel?.stop();
});

describe('a primary behind Sentinel killed under load', () => {
  it('loses no live peer, answers every join in time, keeps resume tokens, and signals flow again', async () => {
    const rooms = Array.from({ length: 6 }, (_, i) => `sentinel-${i}`);
    const traffic = await startTraffic(nodes, rooms);
    const resumer = traffic.pairs[1]!.bob;
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const killedAt = Date.now();
    const killed = await sentinel.killPrimary();
    const promoted = await sentinel.failedOver(killed);
    const promotedAt = Date.now();
    await redisUpOn(...nodes);
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_SETTLE_MS + 2_000));
    const report = await traffic.stop();

    const afterSettle = report.signals.filter((s) => s.sentAt > promotedAt + RECONNECT_SETTLE_MS);
    console.log(
      `sentinel: primary :${killed} killed; :${promoted} promoted after ` +
        `${promotedAt - killedAt} ms; signals flowing again after ` +
        `${flowingAgainAfterMs(report.signals, killedAt)} ms; ${report.lost.length} of ` +
        `${report.signals.length} signals lost, ` +
        `${report.signals.filter((s) => s.outcome !== 'delivered').length} refused; ` +
        `joins: ${report.joins.length}, slowest ` +
        `${Math.max(...report.joins.map((j) => j.ms))} ms`,
    );
    expect(report.announcedGone).toEqual([]);
    expect(afterSettle.length).toBeGreaterThan(0);
    expect(lostOf(afterSettle)).toEqual([]);
    expect(report.joins.filter((j) => !j.ok || j.ms > JOIN_BOUND_MS)).toEqual([]);

    const token = resumer.answer.resumeToken!;
    const alice = traffic.pairs[1]!.alice;
    const rejoined = nextEvent<{ rejoinOf?: string }>(alice.socket, 'peer:joined');
    const again = await joined(nodes[2]!.url, rooms[1]!, { resume: token });
    expect((await rejoined).rejoinOf).toBe(resumer.answer.peerId);
    expect(again.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  }, 60_000);
});

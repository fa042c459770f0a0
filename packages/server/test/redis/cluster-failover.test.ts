/**
 * Issue 29: three `icelane-server` processes on a real Redis Cluster (3 primaries, 3 replicas,
 * every one a `redis-server` process), with clients joining, signaling and leaving the whole
 * time. A primary is killed and its replica takes over: no live peer is announced gone, every
 * join is answered within its bound, a resume token issued before is honoured after, and once
 * the cluster has settled no signal reported delivered is lost. Then an icelane node is killed:
 * only its own peers are announced gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  redisUpOn,
  startRedisCluster,
  startServerProcess,
  type RedisCluster,
  type ServerProcess,
} from '@icelane/testing';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { disconnectAll, joined, nextEvent } from '../support/clients.js';
import { STATIC_TURN_ENV } from './static-turn-env.js';
import { flowingAgainAfterMs, lostOf, startTraffic } from './traffic.js';
import { JOIN_BOUND_MS, SETTLE_MS, slotRooms } from './failover-bounds.js';

let cluster: RedisCluster;
const nodes: ServerProcess[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
  const env = {
    ...STATIC_TURN_ENV,
    REDIS_CLUSTER_NODES: cluster.nodeList,
    HOST: '127.0.0.1',
    ICELANE_LOG_LEVEL: 'debug',
  };
  for (let i = 0; i < 3; i++) nodes.push(await startServerProcess({ env }));
  await redisUpOn(...nodes);
}, 60_000);

afterAll(async () => {
  disconnectAll();
  await Promise.all(nodes.map((node) => node.stop()));
  await cluster?.stop();
});

describe('a Redis Cluster primary killed under load', () => {
  it('loses no live peer, answers every join in time, keeps resume tokens, and signals flow again', async () => {
    // Rooms on every primary, the first on the shard that is killed.
    const rooms = await slotRooms(cluster, 6);
    const traffic = await startTraffic(nodes, rooms);
    const resumer = traffic.pairs[1]!.bob;
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const killedAt = Date.now();
    const killed = await cluster.killPrimaryOf(rosterKeys('icelane:').room(rooms[0]!));
    await cluster.healthy();
    const healthyAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 3_000));
    const report = await traffic.stop();

    const afterSettle = report.signals.filter((s) => s.sentAt > healthyAt + SETTLE_MS);
    const flowingMs = flowingAgainAfterMs(report.signals, killedAt);
    console.log(
      `cluster: primary :${killed} killed; cluster ok after ${healthyAt - killedAt} ms; ` +
        `signals flowing again after ${flowingMs} ms; ${report.lost.length} of ` +
        `${report.signals.length} signals lost (all sent before the cluster settled), ` +
        `${report.signals.filter((s) => s.outcome !== 'delivered').length} refused; ` +
        `joins: ${report.joins.length}, slowest ${Math.max(...report.joins.map((j) => j.ms))} ms`,
    );
    expect(report.announcedGone).toEqual([]);
    expect(afterSettle.length).toBeGreaterThan(0);
    expect(lostOf(afterSettle)).toEqual([]);
    expect(report.joins.filter((j) => !j.ok || j.ms > JOIN_BOUND_MS)).toEqual([]);

    // The token of a join before the failover, spent through another node after it.
    const token = resumer.answer.resumeToken!;
    const alice = traffic.pairs[1]!.alice;
    const rejoined = nextEvent<{ rejoinOf?: string }>(alice.socket, 'peer:joined');
    const again = await joined(nodes[2]!.url, rooms[1]!, { resume: token });
    expect((await rejoined).rejoinOf).toBe(resumer.answer.peerId);
    expect(again.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
  }, 60_000);

  it('announces the peers of a killed icelane node gone, and no other', async () => {
    await cluster.healthy();
    const rooms = await slotRooms(cluster, 3);
    const traffic = await startTraffic(nodes, rooms);
    const doomed = nodes.pop()!;
    const gone = traffic.pairs
      .flatMap((pair) => [pair.alice, pair.bob])
      .filter((side) => side.node === doomed)
      .map((side) => side.answer.peerId)
      .sort();
    process.kill(doomed.pid, 'SIGKILL');
    await doomed.exited;
    // The others find it dead once it missed a liveness period of heartbeats.
    await eventually(
      async () => {
        const report = await traffic.stop();
        return [...new Set(report.announcedGone)].sort().join() === gone.join();
      },
      "the dead node's peers announced gone",
      40_000,
    );
    const report = await traffic.stop();
    expect([...new Set(report.announcedGone)].sort()).toEqual(gone);
  }, 60_000);
});

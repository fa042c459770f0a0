/**
 * Issue 29: three `icelane-server` processes on a real Redis Cluster (3 primaries, 3 replicas,
 * every one a `redis-server` process), with clients joining, signaling and leaving the whole
 * time. A primary is killed and its replica takes over: no live peer is announced gone, every
 * join is answered within its bound, a resume token issued before is honoured after, no signal
 * answered `delivered` is lost, even before the cluster settles (what Redis could not carry is
 * answered `unavailable`), and once it has settled every signal arrives. Then an icelane node is
 * killed: only its own peers are announced gone.
 */
import { describe, expect, it } from 'vitest';
import { eventually, redisCli, startRedisCluster } from '@icelane/testing';
import { rosterKeys } from '../../src/scale/roster-keys.js';
import { failoverNodes } from './failover-nodes.js';
import { startTraffic } from './traffic.js';
import {
  expectNothingLost,
  expectOnlyPairsStored,
  expectResumeHonoured,
  failoverFigures,
} from './failover-checks.js';
import { SETTLE_MS, slotRooms } from './failover-bounds.js';

const setup = failoverNodes(startRedisCluster, (cluster) => ({
  REDIS_CLUSTER_NODES: cluster.nodeList,
}));
const { nodes } = setup;

describe('a Redis Cluster primary killed under load', () => {
  it('loses no live peer, answers every join in time, keeps resume tokens, and signals flow again', async () => {
    // Rooms on every primary, the first on the shard that is killed.
    const cluster = setup.redis();
    const rooms = await slotRooms(cluster, 6);
    const traffic = await startTraffic(nodes, rooms);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const killedAt = Date.now();
    const killed = await cluster.killPrimaryOf(rosterKeys('icelane:').room(rooms[0]!));
    await cluster.healthy();
    const healthyAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 3_000));
    const report = await traffic.stop();

    const afterSettle = report.signals.filter((s) => s.sentAt > healthyAt + SETTLE_MS);
    console.log(
      `cluster: primary :${killed} killed; cluster ok after ${healthyAt - killedAt} ms; ` +
        failoverFigures(report, killedAt),
    );
    expectNothingLost(report, afterSettle);
    await expectOnlyPairsStored(traffic, async (room) => {
      const key = rosterKeys('icelane:').room(room);
      return (await redisCli(await cluster.primaryOf(key), 'hkeys', key))
        .split('\n')
        .filter(Boolean);
    });
    await expectResumeHonoured(traffic, nodes[2]!);
  }, 60_000);

  it('announces the peers of a killed icelane node gone, and no other', async () => {
    const cluster = setup.redis();
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

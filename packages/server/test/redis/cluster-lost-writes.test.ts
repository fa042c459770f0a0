/**
 * A write a Cluster primary acknowledged and then lost in a failover: replication is asynchronous,
 * so a primary killed before its replica received a write takes the write with it (made sure of
 * in `withheld-writes.ts`). The peer whose join was lost must be back in its room and in its
 * node's list soon after the failover, well before the node's next heartbeat, with no `peer:left`:
 * until then other nodes' joiners do not see it and their signals to it are refused. A peer whose
 * leave was lost must be gone again, or it would be a ghost every newcomer is told of, and a
 * newcomer told of it meanwhile must hear it leave; no other peer is said to have left.
 * A resync that fails (the new primary refusing writes) is tried again soon, not a heartbeat later.
 */
import { describe, expect, it } from 'vitest';
import type { JoinAnswer, PeerJoined } from '@icelane/protocol';
import {
  eventually,
  infoFields,
  redisCli,
  redisClusterDefaults,
  startRedisCluster,
} from '@icelane/testing';
import { FAILOVER_MARGIN_MS } from '../../src/scale/failover-window.js';
import { redisLinkDefaults, type RedisRosterOptions } from '../../src/scale/redis-options.js';
import { FIRST_RETRY_MS } from '../../src/scale/resync-schedule.js';
import { connect, joined, record, request } from '../support/clients.js';
import {
  clusterTarget,
  keys,
  nodeIdListedOn,
  redisForFile,
  roomOn,
  startScaledNode,
  undoneWriteWindowOn,
} from './in-process-nodes.js';
import {
  BACK_AFTER_FAILOVER_MS,
  expectToldOfAndReaching,
  failOverWithheld,
  hashFields,
  primariesBesideHeartbeats,
  replicaOf,
  withholdFromReplicas,
} from './withheld-writes.js';
import { giveSlot } from './slot-moves.js';

/**
 * A heartbeat far off, so that only the retries of a failed resync can write the peer again
 * within the test (the heartbeat would retry 20 s later).
 */
const FAR_HEARTBEAT: Partial<RedisRosterOptions> = {
  heartbeatMs: 20_000,
  pauseGapMs: 25_000,
  livenessMs: 60_000,
};
/** Beyond the wait for the next retry: its commands, on a loaded machine. */
const RETRY_MARGIN_MS = 2_000;

/**
 * The longest a resync failing for `failingForMs` waits for its next retry on a FAR_HEARTBEAT
 * node: the retries come 250, 750, 1,750, 3,750 ms… after the first failure (each wait twice the
 * last, up to half a beat), a little later for each resync's own commands, so the one due is the
 * first past `failingForMs` at the latest; one under way then fails and waits no longer than it.
 */
function nextRetryWithinMs(failingForMs: number): number {
  const longestWait = FAR_HEARTBEAT.heartbeatMs! / 2;
  let due = 0;
  for (let wait = FIRST_RETRY_MS; ; wait = Math.min(2 * wait, longestWait)) {
    due += wait;
    if (due > failingForMs) return wait;
  }
}

const sharedCluster = redisForFile(() => startRedisCluster({ replicas: 1 }));

describe('writes a Cluster primary acknowledged, lost when it was killed', () => {
  it('are made good once the nodes learn of the failover: a join written again, a leave again', async () => {
    const cluster = sharedCluster();
    const [shard, elsewhere] = await primariesBesideHeartbeats(cluster);
    const replica = await replicaOf(shard!);
    // Bob's node lists its peers on the shard that fails over, and his room lives there too;
    // alice's node lists hers on another, which keeps what it was told.
    const nodeId = await nodeIdListedOn(cluster, shard!);
    const bobsNode = await startScaledNode(clusterTarget(cluster), { nodeId });
    const alicesNode = await startScaledNode(clusterTarget(cluster), {
      nodeId: await nodeIdListedOn(cluster, elsewhere!),
    });
    const room = await roomOn(cluster, shard!);
    const alice = await joined(alicesNode.url, room);
    const dave = await joined(alicesNode.url, room);
    const daveId = dave.answer.peerId;
    const left = record<{ peerId: string }>(alice.socket, 'peer:left');

    const withheld = await withholdFromReplicas(
      cluster.nodes.find((node) => node.port === shard)!,
      [replica],
    );
    // Bob's join and dave's leave are acknowledged by the primary alone.
    const bob = await joined(bobsNode.url, room);
    expect(await request(dave.socket, 'room:leave')).toEqual({ data: { left: true } });
    await eventually(
      async () => !(await hashFields(shard!, keys.room(room))).includes(daveId),
      'dave’s leave written',
    );
    const killedAt = await failOverWithheld(cluster, withheld, replica);
    const healthyAt = Date.now();
    // A joiner before the nodes have learnt of the failover may be told of dave (his entry back on
    // the promoted replica): it must hear him leave, or he stays in its room for good.
    const early = await connect(alicesNode.url);
    const earlyLeft = record<{ peerId: string }>(early, 'peer:left');
    const earlyJoined = record<PeerJoined>(early, 'peer:joined');
    const earlyJoin = await request<JoinAnswer>(early, 'room:join', { room });
    if (!('data' in earlyJoin)) throw new Error(`join failed: ${JSON.stringify(earlyJoin)}`);
    const earlyToldOf = earlyJoin.data.peers.map((peer) => peer.peerId);

    const bobId = bob.answer.peerId;
    await eventually(
      async () => {
        const stored = await hashFields(replica, keys.room(room));
        return (
          stored.includes(bobId) &&
          !stored.includes(daveId) &&
          (await hashFields(replica, keys.nodePeers(nodeId))).includes(bobId)
        );
      },
      'bob back in his room and his node’s list on the promoted replica, dave gone again',
      BACK_AFTER_FAILOVER_MS,
    );
    console.log(
      `cluster: bob back and dave gone ${Date.now() - healthyAt} ms after the cluster was ok ` +
        `(${Date.now() - killedAt} ms after the kill); the early joiner was told of ` +
        `${earlyToldOf.includes(daveId) ? 'dave' : 'no dave'} and ${earlyToldOf.includes(bobId) ? 'bob' : 'no bob'}`,
    );
    await eventually(
      async () => !earlyToldOf.includes(daveId) || earlyLeft.some((e) => e.peerId === daveId),
      'the early joiner told that dave left',
      BACK_AFTER_FAILOVER_MS,
    );
    // Nor was it told of bob, whose entry the failover lost: it is told now that he was there
    // before it, so it offers to him (he heard of it, and waits for its offer).
    await eventually(
      async () =>
        earlyToldOf.includes(bobId) ||
        earlyJoined.some((e) => e.peerId === bobId && e.earlier === true),
      'the early joiner told that bob was in the room before it',
      BACK_AFTER_FAILOVER_MS,
    );

    // A joiner on the other node is told of bob, and reaches him.
    const earlyId = earlyJoin.data.peerId;
    const carol = await expectToldOfAndReaching(
      alicesNode.url,
      room,
      [alice.answer.peerId, bobId, earlyId],
      bob,
    );
    // No one but dave was said to have left: alice heard him leave, and maybe once more when his
    // entry was cleared again (her SDK has no link to him any more, and ignores it).
    expect(left.length).toBeGreaterThan(0);
    expect(new Set([...left, ...earlyLeft].map((e) => e.peerId))).toEqual(new Set([daveId]));
    expect(await hashFields(replica, keys.room(room))).toEqual(
      [alice.answer.peerId, bobId, earlyId, carol].sort(),
    );
    await Promise.all([bobsNode.close(), alicesNode.close()]);
  }, 60_000);
});

describe('a resync that fails', () => {
  it('is tried again within a second or two, not at the next heartbeat', async () => {
    const cluster = sharedCluster();
    const [shard, newOwner] = await primariesBesideHeartbeats(cluster);
    const node = await startScaledNode(clusterTarget(cluster), FAR_HEARTBEAT);
    const room = await roomOn(cluster, shard!);
    const bob = (await joined(node.url, room)).answer.peerId;
    const refusedBefore = await refusedWrites(newOwner!);

    // Bob's room moves to a primary that does not hold it (as to a replica that missed his
    // join), and that refuses writes at first: the resync the move sets off fails.
    await refuseWrites(newOwner!, true);
    // The first failure comes after this: the retries are due no sooner than counted from here.
    const failingSince = Date.now();
    let failingForMs: number;
    try {
      const slot = (await redisCli(shard!, 'cluster', 'keyslot', keys.room(room))).trim();
      await giveSlot(newOwner!, slot);
      await eventually(
        async () => (await refusedWrites(newOwner!)) > refusedBefore,
        'the resync refused by the new owner',
      );
    } finally {
      await refuseWrites(newOwner!, false);
      failingForMs = Date.now() - failingSince;
    }

    await eventually(
      async () => (await hashFields(newOwner!, keys.room(room))).includes(bob),
      'bob written to the new owner by a retry',
      nextRetryWithinMs(failingForMs) + RETRY_MARGIN_MS,
    );
  }, 30_000);
});

describe('the window in which a failover may undo a leave', () => {
  it('follows the Cluster’s node timeout, read from the Cluster', async () => {
    expect(await undoneWriteWindowOn(clusterTarget(sharedCluster()))).toBe(
      2 * redisClusterDefaults.nodeTimeoutMs +
        redisLinkDefaults.slotsRefreshMs +
        FAILOVER_MARGIN_MS,
    );
  });
});

/** The primary refuses (or takes again) every write, answering NOREPLICAS at once. */
async function refuseWrites(port: number, refuse: boolean): Promise<void> {
  await redisCli(port, 'config', 'set', 'min-replicas-to-write', refuse ? '5' : '0');
}

/** How many commands the primary has refused for want of replicas. */
async function refusedWrites(port: number): Promise<number> {
  const stat = infoFields(await redisCli(port, 'info', 'errorstats')).errorstat_NOREPLICAS;
  return Number(/count=(\d+)/.exec(stat ?? '')?.[1] ?? 0);
}

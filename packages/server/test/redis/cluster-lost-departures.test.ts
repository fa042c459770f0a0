/**
 * A departure (the resume proof of a peer whose connection its node saw end, signaling/departed.ts)
 * that a Cluster primary acknowledged and then lost in a failover, made sure of as in
 * `withheld-writes.ts`. Its node writes it again once it learns of the failover, so the peer's
 * client rejoining through another node within the resume window is still the rejoin of its
 * first id: its room hears `rejoinOf`, not a stranger whose call must start over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisCli, startRedisCluster, type RedisCluster } from '@icelane/testing';
import { departedKey } from '../../src/scale/roster-keys.js';
import { disconnectAll, joined, nextEvent } from '../support/clients.js';
import { closeAll } from '../support/server.js';
import { clusterTarget, keys, roomOn, startScaledNode } from './in-process-nodes.js';
import {
  BACK_AFTER_FAILOVER_MS,
  failOverWithheld,
  hashFields,
  primariesBesideHeartbeats,
  replicaOf,
  withholdFromReplicas,
} from './withheld-writes.js';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: 1 });
}, 60_000);

afterAll(async () => {
  disconnectAll();
  await closeAll();
  await cluster?.stop();
});

describe('a departure a Cluster primary acknowledged, lost when it was killed', () => {
  it('is written again: the peer rejoining through another node is still the rejoin of its first id', async () => {
    const [shard] = await primariesBesideHeartbeats(cluster);
    const replica = await replicaOf(shard!);
    const bobsNode = await startScaledNode(clusterTarget(cluster), {});
    const alicesNode = await startScaledNode(clusterTarget(cluster), {});
    const room = await roomOn(cluster, shard!);
    const alice = await joined(alicesNode.url, room);
    const bob = await joined(bobsNode.url, room);
    const bobId = bob.answer.peerId;
    const departure = departedKey('icelane:', room, bobId);

    const withheld = await withholdFromReplicas(
      cluster.nodes.find((node) => node.port === shard)!,
      [replica],
    );
    // Bob's connection drops: his node removes him and writes his departure, acknowledged by the
    // primary alone.
    const bobLeft = nextEvent(alice.socket, 'peer:left');
    bob.socket.disconnect();
    await bobLeft;
    await eventually(
      async () => (await redisCli(shard!, 'exists', departure)).trim() === '1',
      'bob’s departure written',
    );
    await failOverWithheld(cluster, withheld, replica);

    // His room entry, back on the promoted replica with his leave lost, would let the rejoin
    // through the roster: it is cleared again first (cluster-lost-writes.test.ts), and only his
    // departure can make the rejoin his.
    await eventually(
      async () =>
        !(await hashFields(replica, keys.room(room))).includes(bobId) &&
        (await redisCli(replica, 'exists', departure)).trim() === '1',
      'bob’s room entry gone again and his departure back on the promoted replica',
      BACK_AFTER_FAILOVER_MS,
    );
    const rejoined = nextEvent<{ rejoinOf?: string }>(alice.socket, 'peer:joined');
    const again = await joined(alicesNode.url, room, { resume: bob.answer.resumeToken! });
    expect((await rejoined).rejoinOf).toBe(bobId);
    expect(again.answer.peers).toEqual([{ peerId: alice.answer.peerId }]);
    // Spent: the token is good once only, through any node.
    expect((await redisCli(replica, 'get', departure)).trim()).toBe('spent');
    await Promise.all([bobsNode.close(), alicesNode.close()]);
  }, 60_000);
});

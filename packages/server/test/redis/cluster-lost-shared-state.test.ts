/**
 * What the nodes share beside the roster, written to a Cluster primary and lost when it was killed
 * before its replica had it (made sure of as in `withheld-writes.ts`).
 *
 * A departure (the resume proof of a peer whose connection its node saw end, signaling/departed.ts):
 * its node writes it again once it learns of the failover, so the peer's client rejoining through
 * another node within the resume window is still the rejoin of its first id: its room hears
 * `rejoinOf`, not a stranger whose call must start over.
 *
 * The shared TURN credential: a node that read it keeps serving it from memory, with no provider
 * call; a node that never read it mints one more (the cost, printed).
 */
import { describe, expect, it } from 'vitest';
import type { JoinAnswer } from '@icelane/protocol';
import {
  eventually,
  redisCli,
  startCloudflareFake,
  startRedisCluster,
  type CloudflareFake,
  type RedisCluster,
} from '@icelane/testing';
import { createIceSource, type IceSource } from '../../src/credentials/ice-source.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { departedKey } from '../../src/scale/roster-keys.js';
import { createRedisScaleOut, type ScaleOut } from '../../src/scale/scale-out.js';
import { joined, nextEvent } from '../support/clients.js';
import { clusterTarget, keys, redisForFile, roomOn, startScaledNode } from './in-process-nodes.js';
import {
  BACK_AFTER_FAILOVER_MS,
  failOverWithheld,
  hashFields,
  primariesBesideHeartbeats,
  replicaOf,
  withholdFromReplicas,
} from './withheld-writes.js';
import { cloudflareProviderOn } from '../support/cloudflare-provider.js';

/** The credential's key in Redis (provider-source.ts). */
const CREDENTIAL_KEY = 'icelane:turn:cloudflare';

const sharedCluster = redisForFile(() => startRedisCluster({ replicas: 1 }));

/** A node's ICE source on `cluster`, minting from `api`. */
async function iceSourceOn(
  cluster: RedisCluster,
  api: CloudflareFake,
): Promise<{ source: IceSource; scaleOut: ScaleOut }> {
  const scaleOut = await createRedisScaleOut(clusterTarget(cluster), silentLogger);
  await eventually(() => scaleOut.health().state === 'ok', 'the node connected to the Cluster');
  const provider = cloudflareProviderOn(api);
  const source = createIceSource(
    { stunUrls: [], provider },
    {
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      store: scaleOut.credentialStore,
    },
  );
  return { source, scaleOut };
}

const turnUsername = (ice: JoinAnswer['ice']) =>
  ice.iceServers.find((server) => server.username)?.username;

// First: it fails over the credential's shard, wherever its key lives; the departure's test then
// picks a shard that still has a replica.
describe('the shared TURN credential, lost when the primary that held it was killed', () => {
  it('is still served by the node that read it, with no provider call', async () => {
    const cluster = sharedCluster();
    const api = await startCloudflareFake();
    const shard = await cluster.primaryOf(CREDENTIAL_KEY);
    const replica = await replicaOf(shard);
    const nodes = [await iceSourceOn(cluster, api)];
    try {
      const session = { sessionId: 'session-1' };
      const withheld = await withholdFromReplicas(
        cluster.nodes.find((node) => node.port === shard)!,
        [replica],
      );
      const minted = turnUsername(await nodes[0]!.source.iceFor(session));
      expect(minted).toBe(api.issued[0]!.username);
      await failOverWithheld(cluster, withheld, replica);
      expect((await redisCli(replica, 'exists', CREDENTIAL_KEY)).trim()).toBe('0');
      await eventually(() => nodes[0]!.scaleOut.health().state === 'ok', 'the node back');

      expect(turnUsername(await nodes[0]!.source.iceFor(session))).toBe(minted);
      expect(api.mintRequests()).toHaveLength(1);
      // A node that never read it, since: the cost of the loss.
      nodes.push(await iceSourceOn(cluster, api));
      const other = await nodes[1]!.source.iceFor(session);
      expect(other.turn).toBe(true);
      console.log(
        `cluster: credential lost in the failover; the node that read it served it with no ` +
          `provider call; a node started since made ${api.mintRequests().length - 1} more`,
      );
    } finally {
      await Promise.all(nodes.map(({ source }) => source.close()));
      await Promise.all(nodes.map(({ scaleOut }) => scaleOut.close()));
      await api.close();
    }
  }, 60_000);
});

describe('a departure a Cluster primary acknowledged, lost when it was killed', () => {
  it('is written again: the peer rejoining through another node is still the rejoin of its first id', async () => {
    const cluster = sharedCluster();
    let shard = 0;
    let replica = Number.NaN;
    for (const port of await primariesBesideHeartbeats(cluster)) {
      if (Number.isNaN(replica)) [shard, replica] = [port, await replicaOf(port)];
    }
    const bobsNode = await startScaledNode(clusterTarget(cluster), {});
    const alicesNode = await startScaledNode(clusterTarget(cluster), {});
    const room = await roomOn(cluster, shard);
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

/**
 * A write a primary behind Sentinel acknowledged and then lost when it was killed (made sure of in
 * `withheld-writes.ts`): the peer whose join was lost must be back in its room and in its node's
 * list soon after the promotion, with no `peer:left` and no ghost. Behind Sentinel every
 * connection of a node ends with the primary and is made again to the promoted replica; the node
 * writes its peers again once both of its connections are back (as after any outage, before the
 * Cluster's failover was followed too; a resync that fails is now tried again within a second).
 */
import { describe, expect, it } from 'vitest';
import { eventually, redisSentinelDefaults, redisUpOn, startRedisSentinel } from '@icelane/testing';
import { randomId } from '../../src/clients/ids.js';
import { FAILOVER_MARGIN_MS } from '../../src/scale/failover-window.js';
import { redisLinkDefaults } from '../../src/scale/redis-options.js';
import { joined, record } from '../support/clients.js';
import {
  keys,
  redisForFile,
  sentinelTarget,
  startScaledNode,
  undoneWriteWindowOn,
} from './in-process-nodes.js';
import { expectToldOfAndReaching, hashFields, withholdFromReplicas } from './withheld-writes.js';

/**
 * After the promotion a node's connections move at Sentinel's announcement, or at their next
 * reconnection attempt at the latest; then it writes its peers again: 2 s more for a loaded
 * machine. Below the heartbeat (5 s).
 */
const BACK_AFTER_PROMOTION_MS = redisLinkDefaults.maxReconnectDelayMs + 2_000;

const sharedSentinel = redisForFile(() => startRedisSentinel());

describe('a write a primary behind Sentinel acknowledged, lost when it was killed', () => {
  it('is written again once the node has followed the promotion, with no peer:left and no ghost', async () => {
    const sentinel = sharedSentinel();
    const nodeId = randomId();
    const bobsNode = await startScaledNode(sentinelTarget(sentinel), { nodeId });
    const alicesNode = await startScaledNode(sentinelTarget(sentinel), {});
    const room = 'lost-write';
    const alice = await joined(alicesNode.url, room);
    const left = record<{ peerId: string }>(alice.socket, 'peer:left');

    const primary = await sentinel.primaryPort();
    const replicas = sentinel.servers.map((s) => s.port).filter((port) => port !== primary);
    const withheld = await withholdFromReplicas(
      sentinel.servers.find((server) => server.port === primary)!,
      replicas,
    );
    const bob = await joined(bobsNode.url, room);
    const killedAt = await withheld.killPrimary();
    const promoted = await sentinel.failedOver(primary);
    const promotedAt = Date.now();

    const bobId = bob.answer.peerId;
    const bobsList = keys.nodePeers(nodeId);
    await eventually(
      async () =>
        (await hashFields(promoted, keys.room(room))).includes(bobId) &&
        (await hashFields(promoted, bobsList)).includes(bobId),
      'bob back in his room and his node’s list on the promoted replica',
      BACK_AFTER_PROMOTION_MS,
    );
    console.log(
      `sentinel: bob back ${Date.now() - promotedAt} ms after the promotion ` +
        `(${Date.now() - killedAt} ms after the kill)`,
    );

    // A node still reconnecting answers from its own peers alone: carol joins once both are back.
    await redisUpOn(alicesNode, bobsNode);
    const carol = await expectToldOfAndReaching(
      alicesNode.url,
      room,
      [alice.answer.peerId, bobId],
      bob,
    );
    expect(left).toEqual([]);
    expect(await hashFields(promoted, keys.room(room))).toEqual(
      [alice.answer.peerId, bobId, carol].sort(),
    );
  }, 60_000);
});

describe('the window in which a failover may undo a leave', () => {
  it('follows the sentinels’ down-after-milliseconds, asked of them', async () => {
    expect(await undoneWriteWindowOn(sentinelTarget(sharedSentinel()))).toBe(
      redisSentinelDefaults.downAfterMs +
        redisLinkDefaults.maxReconnectDelayMs +
        FAILOVER_MARGIN_MS,
    );
  });
});

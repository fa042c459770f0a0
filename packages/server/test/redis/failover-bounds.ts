/**
 * The bounds the failover tests hold the nodes to, each from the mechanism it stands for, and
 * rooms placed on every shard of a cluster.
 */
import { redisCli, type RedisCluster } from '@icelane/testing';
import { redisLinkDefaults, redisRosterDefaults } from '../../src/scale/redis-options.js';
import { rosterKeys } from '../../src/scale/roster-keys.js';

/**
 * A join makes at most three Redis round trips in turn (the count, the claim, the departed
 * peers); each fails after the command timeout while its shard is away, and the join is then
 * answered from this node alone. Twice that for a loaded machine.
 */
export const JOIN_BOUND_MS = 2 * 3 * redisLinkDefaults.commandTimeoutMs;

/**
 * After the cluster is ok again, a node learns the new primary at its next slot refresh at the
 * latest (commands learn it sooner, from a MOVED answer or a failed connection); its sharded
 * subscriptions follow then.
 */
export const SETTLE_MS = redisLinkDefaults.slotsRefreshMs + 1_000;

/** `count` room names whose keys spread over the cluster's primaries, in turn. */
export async function slotRooms(cluster: RedisCluster, count: number): Promise<string[]> {
  const primaries = (await cluster.topology()).filter((node) => node.primary);
  const port = primaries[0]!.port;
  const byPrimary = new Map<number, string[]>();
  const keys = rosterKeys('icelane:');
  for (let i = 0; [...byPrimary.values()].flat().length < count * primaries.length; i++) {
    const room = `room-${Date.now().toString(36)}-${i}`;
    const slot = Number(await redisCli(port, 'cluster', 'keyslot', keys.room(room)));
    const owner = primaries.find((p) => p.slots.some(([a, b]) => slot >= a && slot <= b))!;
    const list = byPrimary.get(owner.port) ?? [];
    if (list.length < count) byPrimary.set(owner.port, [...list, room]);
    if (i > 500) throw new Error('cannot place rooms on every primary');
  }
  const lists = [...byPrimary.values()];
  return Array.from(
    { length: count },
    (_, i) => lists[i % lists.length]![Math.floor(i / lists.length)]!,
  );
}

/**
 * After Sentinel names the new primary, a node has moved to it once its connections reconnect:
 * at once on Sentinel's announcement, or at the next reconnection attempt at the latest.
 */
export const RECONNECT_SETTLE_MS = redisLinkDefaults.maxReconnectDelayMs + 1_000;

/**
 * A node writes its peers again, clearing those that left while it could not, at its first
 * heartbeat with Redis back; one that fails (Redis still settling) is tried at the next.
 */
export const RESYNC_SETTLE_MS =
  2 * redisRosterDefaults.heartbeatMs + redisLinkDefaults.commandTimeoutMs;

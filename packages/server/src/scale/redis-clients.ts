/**
 * The ioredis clients of one node for each kind of Redis it may share: a client for commands
 * (fails fast while Redis is away) and one for subscriptions (queues them until Redis is back).
 */
import type { Cluster, ClusterOptions, Command, Redis, RedisOptions } from 'ioredis';
import type { RedisClientClasses } from './load-redis.js';
import {
  reconnectDelayMs,
  type RedisAccess,
  type RedisLinkOptions,
  type RedisTarget,
} from './redis-options.js';

/** A client of one Redis (or of one through Sentinel) or of a whole Cluster. */
export type RedisClient = Redis | Cluster;

export interface RedisClients {
  commands: RedisClient;
  subscriber: RedisClient;
}

/**
 * `sharded`: the subscriber takes SSUBSCRIBE; on a Cluster, ioredis then keeps one subscription
 * connection per shard, since a sharded channel is served by its slot's primary only.
 */
export function createRedisClients(
  classes: RedisClientClasses,
  target: RedisTarget,
  o: RedisLinkOptions,
  sharded: boolean,
): RedisClients {
  const retry = (attempt: number) => reconnectDelayMs(attempt, o.maxReconnectDelayMs);
  const base: RedisOptions = {
    connectTimeout: o.connectTimeoutMs,
    // The default prints a warning per failed attempt; the link logs the state changes.
    showFriendlyErrorStack: false,
  };
  const failFast: RedisOptions = { commandTimeout: o.commandTimeoutMs, maxRetriesPerRequest: 0 };
  // Subscriptions are renewed after each reconnection (and, on a Cluster, after a failover).
  const keepTrying: RedisOptions = { maxRetriesPerRequest: null, autoResubscribe: true };

  if (target.kind === 'cluster') {
    const cluster = (redisOptions: RedisOptions, options: ClusterOptions) =>
      new classes.Cluster(target.nodes, {
        clusterRetryStrategy: retry,
        // A failover moves slots: ask the cluster again soon rather than fail for long (the
        // subscriptions; commands fail fast, below).
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        slotsRefreshTimeout: o.connectTimeoutMs,
        slotsRefreshInterval: o.slotsRefreshMs,
        redisOptions: { ...base, ...access(target), ...redisOptions },
        ...options,
      });
    return {
      // A command is not sent again after a CLUSTERDOWN answer or a closed connection: by then
      // its caller may have given up on it (the command timeout) and gone on, and a claim or a
      // write run late, after the peer's leave, would put back what the leave removed.
      commands: withoutLateRedirects(
        cluster(failFast, {
          enableOfflineQueue: false,
          retryDelayOnClusterDown: 0,
          retryDelayOnFailover: 0,
        }),
      ),
      subscriber: cluster(keepTrying, { shardedSubscribers: sharded }),
    };
  }
  if (target.kind === 'sentinel') {
    const sentinel = (options: RedisOptions) =>
      new classes.Redis({
        sentinels: target.sentinels,
        name: target.masterName,
        ...access(target),
        enableTLSForSentinelMode: target.tls,
        sentinelRetryStrategy: retry,
        // Sentinel announces a new primary (+switch-master): move at once instead of waiting for
        // the old primary's connection to fail.
        failoverDetector: true,
        retryStrategy: retry,
        ...base,
        ...options,
      });
    return {
      commands: sentinel({ ...failFast, enableOfflineQueue: false }),
      subscriber: sentinel(keepTrying),
    };
  }
  const single = (options: RedisOptions) =>
    new classes.Redis(target.url, { ...base, retryStrategy: retry, ...options });
  return {
    commands: single({ ...failFast, enableOfflineQueue: false }),
    subscriber: single(keepTrying),
  };
}

/**
 * A command that timed out stays queued on its node's connection, and ioredis follows the
 * redirection (MOVED, ASK, TRYAGAIN) that node may answer once it wakes (a primary that hung while
 * its slots moved to another): it sends the command to the new owner, seconds after its caller
 * gave up on it and went on. A claim or a room entry so written after the peer's leave would stay
 * for good. This client drops the answer of a command already settled instead, so a command runs
 * late only on the connection it was sent on, in order with what was sent after it.
 *
 * A command still waiting is redirected unless a command for the same slot sent after it went to
 * another primary (this client having learnt of the move meanwhile: a slot map refresh, or the
 * redirection of a command sent before it): the redirected one would run after it there, a room
 * entry written again after the leave that cleared it. It fails with the redirection's error
 * instead, as a write to a primary that died in a failover does, and its caller writes again what
 * it holds. Commands redirected in the order they were sent keep it: each waits on the old
 * primary's connection behind the ones sent before it.
 */
function withoutLateRedirects(cluster: Cluster): Cluster {
  const send = cluster.sendCommand.bind(cluster);
  const order = slotSendOrder();
  cluster.sendCommand = (command: Command, ...rest) => {
    // The command's own rejection, before ioredis wraps it to follow redirections.
    const fail = command.reject;
    const slot = command.getSlot();
    const sentAs = slot === null ? null : order.sent(slot, cluster.slots[slot]?.[0]);
    const sent = send(command, ...rest);
    const redirecting = command.reject;
    command.reject = (error) => {
      if (command.isSettled) return;
      if (slot !== null && sentAs !== null && isRedirection(error) && order.overtaken(slot, sentAs))
        fail(error);
      else redirecting(error);
    };
    return sent;
  };
  return cluster;
}

/**
 * The order of the commands sent for each slot, and where each went: whether a command sent later
 * went to another primary than the one before it.
 */
function slotSendOrder(): {
  /** Counts a command sent for `slot` to `primary`; answers its place. */
  sent(slot: number, primary: string | undefined): number;
  /** Whether a command sent after the one at `place` went to another primary. */
  overtaken(slot: number, place: number): boolean;
} {
  const slots = new Map<number, { count: number; primary: string | undefined; movedAt: number }>();
  return {
    sent: (slot, primary) => {
      const known = slots.get(slot);
      const count = (known?.count ?? 0) + 1;
      const movedAt = known && known.primary !== primary ? count : (known?.movedAt ?? 0);
      slots.set(slot, { count, primary, movedAt });
      return count;
    },
    overtaken: (slot, place) => (slots.get(slot)?.movedAt ?? 0) > place,
  };
}

function isRedirection(error: unknown): boolean {
  return error instanceof Error && /^(MOVED|ASK) /.test(error.message);
}

function access(target: RedisAccess): RedisOptions {
  return {
    ...(target.username !== null && { username: target.username }),
    ...(target.password !== null && { password: target.password }),
    ...(target.tls && { tls: {} }),
  };
}

/** The password a target holds, decoded, or `null`; never throws on a malformed URL. */
export function targetPassword(target: RedisTarget): string | null {
  if (target.kind !== 'single') return target.password;
  try {
    const password = new URL(target.url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

/**
 * How long a failover may take to undo a write, counted from the write's acknowledgement until
 * this node learns of the failover (a slot served by another primary, or Sentinel's new primary):
 * the peers that left within it are cleared again by the resync after a failover
 * (recent-leaves.ts). It follows from the failure detection Redis is configured with, read from
 * it once connected:
 *
 * - Cluster: a primary cut off from the majority (but not from this node) acknowledges writes for
 *   up to `cluster-node-timeout` before it stops, the others flag it failed within another node
 *   timeout, a replica is elected (a second or so), and this node reads the new slot map at its
 *   next refresh (`slotsRefreshMs`, faster once it has lost a connection).
 * - Sentinel: a primary cut off from the sentinels acknowledges writes until they have agreed it
 *   is down (`down-after-milliseconds`), voted and promoted a replica; this node moves at their
 *   `+switch-master`, within a reconnection. A killed primary closes its connections at once,
 *   and a leave is never forgotten while Redis is away.
 */
import type { Cluster, Redis } from 'ioredis';
import type { RedisClientClasses } from './load-redis.js';
import type { RedisLinkOptions, RedisTarget } from './redis-options.js';

/**
 * The election, the vote and the promotion (a second or two), and a loaded machine's delays: the
 * lost-writes tests (node timeout 1 s) saw up to 8.6 s from the kill to the node's resync at load
 * 20-45, where this window comes to 19 s. Too long costs a CLEAR per leave at each failover; too
 * short leaves a ghost.
 */
export const FAILOVER_MARGIN_MS = 15_000;

/** What Redis answers about its failure detection; `null` when it would not say. */
export type FailoverTimings =
  { kind: 'cluster'; nodeTimeoutMs: number } | { kind: 'sentinel'; downAfterMs: number };

/**
 * Redis's own defaults (`cluster-node-timeout` 15 s, Sentinel's `down-after-milliseconds` 30 s):
 * the timings assumed where Redis will not say, as managed services that rename or disable CONFIG.
 */
export const REDIS_DEFAULT_TIMINGS = {
  cluster: { kind: 'cluster', nodeTimeoutMs: 15_000 },
  sentinel: { kind: 'sentinel', downAfterMs: 30_000 },
} as const satisfies Record<FailoverTimings['kind'], FailoverTimings>;

/** The window of `timings`, on a link with options `o`. */
export function undoneWriteWindowMs(
  timings: FailoverTimings,
  o: Pick<RedisLinkOptions, 'slotsRefreshMs' | 'maxReconnectDelayMs'>,
): number {
  return timings.kind === 'cluster'
    ? 2 * timings.nodeTimeoutMs + o.slotsRefreshMs + FAILOVER_MARGIN_MS
    : timings.downAfterMs + o.maxReconnectDelayMs + FAILOVER_MARGIN_MS;
}

/**
 * Asks the Cluster (`commands`, one of its nodes) or one of the sentinels of `target` how soon
 * they judge a primary failed. Answers `null` for a single Redis (no failover), and when Redis
 * refuses to say (managed services often rename or disable CONFIG), or answers something else.
 */
export async function readFailoverTimings(
  target: RedisTarget,
  commands: Redis | Cluster,
  classes: RedisClientClasses,
  o: Pick<RedisLinkOptions, 'connectTimeoutMs'>,
): Promise<FailoverTimings | null> {
  try {
    if (target.kind === 'cluster') {
      const answer = (await commands.config('GET', 'cluster-node-timeout')) as unknown;
      const ms = fieldOf(answer, 'cluster-node-timeout');
      return ms === null ? null : { kind: 'cluster', nodeTimeoutMs: ms };
    }
    if (target.kind === 'sentinel') {
      for (const { host, port } of target.sentinels) {
        const sentinel = new classes.Redis({
          host,
          port,
          ...(target.tls && { tls: {} }),
          lazyConnect: true,
          connectTimeout: o.connectTimeoutMs,
          // A sentinel that takes the connection and never answers must not hold it open.
          commandTimeout: o.connectTimeoutMs,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        try {
          await sentinel.connect();
          const answer = await sentinel.call('SENTINEL', 'MASTER', target.masterName);
          const ms = fieldOf(answer, 'down-after-milliseconds');
          if (ms !== null) return { kind: 'sentinel', downAfterMs: ms };
        } catch {
          // The next sentinel may answer.
        } finally {
          sentinel.disconnect();
        }
      }
    }
  } catch {
    // Not allowed to ask: the window stays as it is.
  }
  return null;
}

/** The number after `name` in a flat `[name, value, …]` answer, or `null`. */
export function fieldOf(answer: unknown, name: string): number | null {
  if (!Array.isArray(answer)) return null;
  const at = answer.indexOf(name);
  const value = at >= 0 && at % 2 === 0 ? Number(answer[at + 1]) : Number.NaN;
  return Number.isFinite(value) && value >= 0 ? value : null;
}

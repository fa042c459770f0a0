/**
 * The Redis connection's and roster's options, the health it reports and the error of a missing
 * client: the part of scale-out that the server's public types name. Kept apart from the code that holds ioredis clients so
 * the published declarations never import ioredis, an optional peer dependency whose own types
 * need packages without types (TS7016 under `skipLibCheck: false`).
 */

/** One Redis server (a Cluster node or a Sentinel). */
export interface RedisAddress {
  host: string;
  port: number;
}

/** How a node reaches the data nodes of a Cluster or behind Sentinel (a URL carries its own). */
export interface RedisAccess {
  username: string | null;
  password: string | null;
  /** Connect with TLS (`rediss://`). */
  tls: boolean;
}

/**
 * Which Redis the nodes share:
 * - `single`: one server at a `redis://` or `rediss://` URL (`REDIS_URL`);
 * - `cluster`: a Redis Cluster, found from any of its nodes (`REDIS_CLUSTER_NODES`); every key
 *   and script of icelane touches one hash slot;
 * - `sentinel`: a primary with replicas behind Sentinel (`REDIS_SENTINELS`); the node asks the
 *   sentinels for the primary again after each failover.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | ({ kind: 'cluster'; nodes: RedisAddress[] } & RedisAccess)
  | ({ kind: 'sentinel'; sentinels: RedisAddress[]; masterName: string } & RedisAccess);

/**
 * The socket.io Redis adapter: `classic` (PUBLISH: every node receives every broadcast and
 * signal) or `sharded` (Redis 7 SPUBLISH on a channel per room and per socket: a message reaches
 * only the nodes that hold its receivers, and each channel lives on one Cluster shard).
 */
export type RedisAdapterKind = 'classic' | 'sharded';

export interface RedisLinkOptions {
  /** The longest one command may take before it counts as failed. */
  commandTimeoutMs: number;
  /** The longest wait between two reconnection attempts. */
  maxReconnectDelayMs: number;
  connectTimeoutMs: number;
  /** How often to try Redis again after commands timed out on an open connection. */
  stallProbeMs: number;
  /**
   * On a Cluster, how often to ask which node serves which slots: after a failover, it bounds
   * how long a sharded subscription stays with the failed primary.
   */
  slotsRefreshMs: number;
}

export const redisLinkDefaults: RedisLinkOptions = {
  commandTimeoutMs: 1_000,
  maxReconnectDelayMs: 1_000,
  connectTimeoutMs: 2_000,
  stallProbeMs: 1_000,
  slotsRefreshMs: 2_000,
};

/** The wait before reconnection attempt `attempt` (1, 2, …): 100 ms more each time, up to a cap. */
export function reconnectDelayMs(attempt: number, maxReconnectDelayMs: number): number {
  return Math.min(100 * attempt, maxReconnectDelayMs);
}

/** `ok`: commands and subscriptions work. `down`: this node works alone until Redis is back. */
export type RedisState = 'ok' | 'down';

export interface RedisHealth {
  state: RedisState;
  /** ms since the epoch of the last change of state. */
  since: number;
  /** A short, secret-free description of the last connection error. */
  lastError: string | null;
}

export interface RedisRosterOptions {
  /** Prefix of every key the roster writes. */
  keyPrefix: string;
  /** This node's id in Redis; random by default. */
  nodeId: string;
  /** How often this node renews its liveness and clears the peers of dead nodes. */
  heartbeatMs: number;
  /** How long a node counts as alive after its last heartbeat, counted only while Redis was
   * reachable. A node that has been connected for less than this judges no other node. */
  livenessMs: number;
  /**
   * A gap longer than this between two roster scripts (from any node) means Redis was paused or
   * cut off: liveness is counted afresh from the end of the gap. Above the heartbeat period, and
   * at most `livenessMs - heartbeatMs`, so a shorter pause cannot make a live node look dead.
   */
  pauseGapMs: number;
  /**
   * How long a dead node's id is remembered: a room whose peers of that node were not cleared
   * (its clearing was cut short) drops them when next joined within this time.
   */
  deadMemoryMs: number;
}

export const redisRosterDefaults: Omit<RedisRosterOptions, 'nodeId'> = {
  keyPrefix: 'icelane:',
  heartbeatMs: 5_000,
  livenessMs: 15_000,
  pauseGapMs: 8_000,
  deadMemoryMs: 3_600_000,
};

/** Names the missing package and how to get it, instead of Node's bare "cannot find package". */
export class RedisClientMissingError extends Error {
  constructor(cause: unknown) {
    super(
      'Redis is configured but its client, ioredis, is not installed: it is an optional peer ' +
        'dependency of @icelane/server. Install it beside the server: npm install ioredis',
      { cause },
    );
    this.name = 'RedisClientMissingError';
  }
}

/**
 * This node's connections to Redis, and whether they work. Commands fail fast while Redis is away
 * (no offline queue, a command timeout), so a join never waits on it; the connections retry in
 * the background and say once when Redis goes and once when it is back.
 *
 * The Redis URL may hold a password: it is never logged, and errors are scrubbed of it.
 */
import type { Cluster } from 'ioredis';
import { loadRedisClient } from './load-redis.js';
import type { Logger } from '../observability/logger.js';
import { onPrimariesMoved } from './cluster-primaries.js';
import {
  readFailoverTimings,
  REDIS_DEFAULT_TIMINGS,
  undoneWriteWindowMs,
} from './failover-window.js';
import { createRedisClients, targetPassword, type RedisClient } from './redis-clients.js';
import {
  redisLinkDefaults,
  type RedisHealth,
  type RedisLinkOptions,
  type RedisState,
  type RedisTarget,
} from './redis-options.js';

export interface RedisLink {
  /** Commands and publishing. Fails fast while Redis is away. */
  commands: RedisClient;
  /** Subscriptions only (a subscribed connection takes no other command). */
  subscriber: RedisClient;
  /** A Redis Cluster: every multi-key command and script must stay within one hash slot. */
  cluster: boolean;
  /** The subscriber takes sharded subscriptions (SSUBSCRIBE), each served by its slot's primary. */
  sharded: boolean;
  available(): boolean;
  health(): RedisHealth;
  /**
   * Called each time both connections are ready: at start (at once when they are already) and
   * after every outage.
   */
  onReady(listener: () => void): void;
  /**
   * Called when some keys moved to another Redis while the link stayed up: on a Cluster, a slot
   * now served by another primary (a failover, once this node has learnt of it). The new primary
   * may lack writes the old one acknowledged, replication being asynchronous. Behind Sentinel a
   * failover ends every connection, and `onReady` follows it instead.
   */
  onMoved(listener: () => void): void;
  /**
   * A command failed. A timeout on an open connection means Redis hangs: until it answers a
   * probe again, the node works alone instead of waiting on every command.
   */
  commandFailed(error: unknown): void;
  /**
   * How long a failover may take to undo a write this node saw acknowledged, from Redis's own
   * failure detection (failover-window.ts); `null` for a single Redis, or when Redis will not say.
   */
  undoneWriteWindowMs(): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * Rejects with `RedisClientMissingError` when ioredis is not installed. `sharded`: the
 * subscriber takes sharded subscriptions (see `RedisAdapterKind`).
 */
export async function connectRedis(
  target: RedisTarget,
  logger: Logger,
  options: Partial<RedisLinkOptions> = {},
  sharded = false,
): Promise<RedisLink> {
  const classes = await loadRedisClient();
  const o = { ...redisLinkDefaults, ...options };
  const password = targetPassword(target);
  if (password) logger.redact(password);
  const { commands, subscriber } = createRedisClients(classes, target, o, sharded);

  const listeners: Array<() => void> = [];
  const movedListeners: Array<() => void> = [];
  let health: RedisHealth = { state: 'down', since: Date.now(), lastError: null };
  let everReady = false;
  let saidDown = false;
  let closing = false;
  let stalled: ReturnType<typeof setInterval> | null = null;
  const bothReady = () => commands.status === 'ready' && subscriber.status === 'ready';
  const scrub = (message: string) =>
    password ? message.split(password).join('[redacted]') : message;

  const update = () => {
    if (closing) return;
    const state: RedisState = bothReady() && stalled === null ? 'ok' : 'down';
    if (state === health.state) return;
    health = { ...health, state, since: Date.now() };
    if (state === 'ok') {
      if (saidDown) logger.info('redis available again');
      saidDown = false;
      everReady = true;
      for (const listener of listeners) listener();
    } else {
      sayDown();
    }
  };
  const sayDown = () => {
    if (saidDown) return;
    saidDown = true;
    logger.warn('redis unavailable', {
      reason: health.lastError ?? 'connection lost',
      consequence: 'this node works alone: its own rooms and signals, credentials in memory',
    });
  };
  for (const client of [commands, subscriber]) {
    client.on('ready', update);
    client.on('close', update);
    client.on('end', () => {
      update();
      // ioredis gives a connection up ('end') when Sentinel's failover announcement disconnects
      // it while it is still asking the sentinels for the primary (seen under load: one node of
      // three never came back). This node never gives Redis up while it runs: connect again.
      if (closing) return;
      const again = setTimeout(() => {
        if (!closing && client.status === 'end') client.connect().catch(() => {});
      }, o.maxReconnectDelayMs);
      again.unref();
    });
    client.on('error', (error: Error) => {
      health = { ...health, lastError: scrub(describe(error)) };
    });
  }
  const stopWatching =
    target.kind === 'cluster'
      ? onPrimariesMoved(commands as Cluster, () => {
          if (closing) return;
          for (const listener of movedListeners) listener();
        })
      : () => {};
  // Redis may never answer at start: say so instead of staying silent.
  const startCheck = setTimeout(() => {
    if (!everReady && !closing) sayDown();
  }, o.connectTimeoutMs);
  startCheck.unref();

  return {
    commands,
    subscriber,
    cluster: target.kind === 'cluster',
    sharded,
    available: () => !closing && health.state === 'ok',
    health: () => ({ ...health }),
    onReady: (listener) => {
      listeners.push(listener);
      // Ready before the listener came (the roster is made after the adapter's import, which a
      // loaded machine may finish after the connections): it still needs its start.
      if (health.state === 'ok') listener();
    },
    onMoved: (listener) => {
      movedListeners.push(listener);
    },
    commandFailed: (error) => {
      if (stalled !== null || closing || !/timed out/i.test(String(error))) return;
      health = { ...health, lastError: 'commands time out' };
      stalled = setInterval(() => {
        commands.ping().then(
          () => {
            if (stalled !== null) clearInterval(stalled);
            stalled = null;
            update();
          },
          () => {},
        );
      }, o.stallProbeMs);
      stalled.unref();
      update();
    },
    undoneWriteWindowMs: async () => {
      if (target.kind === 'single') return null;
      const timings = await readFailoverTimings(target, commands, classes, o);
      return undoneWriteWindowMs(timings ?? REDIS_DEFAULT_TIMINGS[target.kind], o);
    },
    close: async () => {
      closing = true;
      stopWatching();
      clearTimeout(startCheck);
      if (stalled !== null) clearInterval(stalled);
      await Promise.all(
        [commands, subscriber].map((client) =>
          client.status === 'ready'
            ? client.quit().then(
                () => {},
                () => client.disconnect(),
              )
            : client.disconnect(),
        ),
      );
    },
  };
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
  return (text + error.message).slice(0, 200);
}

/**
 * Several nodes behind one Redis: the socket.io Redis adapter carries room broadcasts and signals
 * between nodes, a Redis roster shares room membership and the cap, and a Redis credential store
 * lets one node mint while the others serve. Without it, a node is alone and needs nothing.
 */
import type { ServerOptions } from 'socket.io';
import { redisStore } from '../credentials/redis-store.js';
import { memoryStore, type CredentialStore } from '../credentials/store.js';
import type { Logger } from '../observability/logger.js';
import type { Peer, RoomRegistry } from '../signaling/rooms.js';
import { fallbackStore } from './fallback-store.js';
import type { RedisClient } from './redis-clients.js';
import { connectRedis } from './redis-link.js';
import {
  redisLinkDefaults,
  redisRosterDefaults,
  type RedisAdapterKind,
  type RedisHealth,
  type RedisLinkOptions,
  type RedisRosterOptions,
  type RedisTarget,
} from './redis-options.js';
import { redisRoster } from './redis-roster.js';
import type { DeliverSignal, Roster } from '../signaling/roster.js';
import type { DepartedPeers } from '../signaling/departed.js';
import { redisDeparted } from './redis-departed.js';
import { nodeSignals } from './node-signals.js';
import { randomId } from '../clients/ids.js';
import { watchLegacyLayout } from './legacy-layout.js';

/** How often a node looks for nodes of the earlier key layout, until it finds one. */
const LEGACY_CHECK_EVERY_MS = 60_000;

/** What `/readyz` says of Redis; `none` when the node runs alone by configuration. */
export type ScaleHealth = RedisHealth | { state: 'none' };

export interface ScaleOut {
  /** The socket.io adapter that carries broadcasts and signals to the other nodes. */
  adapter: ServerOptions['adapter'];
  /** The credential store the nodes share; pass it to `createIceSource` as `store`. */
  credentialStore: CredentialStore;
  /**
   * The roster over this node's registry; `onGone` tells a room that a peer was cleared,
   * `deliver` hands a signal from another node to a socket of this one, and `onBack` tells a room
   * of a peer whose lost entry was written again.
   */
  roster(
    registry: RoomRegistry,
    onGone: (room: string, peerId: string) => void,
    deliver: DeliverSignal,
    onBack?: (peer: Peer) => void,
  ): Roster;
  /** The peers whose connection ended lately, on every node (see `resumeWindowMs`). */
  departed(windowMs: number, now: () => number): DepartedPeers;
  health(): ScaleHealth;
  /** Closes the Redis connections; `createIcelaneServer`'s `close` calls it last. */
  close(): Promise<void>;
}

export interface RedisScaleOutOptions {
  link: Partial<RedisLinkOptions>;
  roster: Partial<RedisRosterOptions>;
  /** The clock of the credential store. */
  now: () => number;
  /** The socket.io adapter; `null`: `sharded` on a Redis Cluster, `classic` otherwise. */
  adapter: RedisAdapterKind | null;
}

export const redisScaleOutDefaults: RedisScaleOutOptions = {
  link: redisLinkDefaults,
  roster: redisRosterDefaults,
  now: () => Date.now(),
  adapter: null,
};

/**
 * Connects to Redis in the background and answers once its client is loaded: a node whose Redis
 * is away at start works alone and joins the others when Redis answers. ioredis (an optional
 * peer dependency) and the socket.io Redis adapter are imported here, so a node without Redis
 * never loads them; rejects with `RedisClientMissingError` when ioredis is not installed.
 *
 * @example
 * const scaleOut = await createRedisScaleOut(process.env.REDIS_URL, logger);
 * const iceSource = createIceSource(options, { logger, metrics, store: scaleOut.credentialStore });
 * createIcelaneServer(httpServer, { iceSource, logger, metrics, scaleOut });
 */
export async function createRedisScaleOut(
  redis: string | RedisTarget,
  logger: Logger,
  options: Partial<RedisScaleOutOptions> = {},
): Promise<ScaleOut> {
  const o = { ...redisScaleOutDefaults, ...options };
  const target: RedisTarget = typeof redis === 'string' ? { kind: 'single', url: redis } : redis;
  const kind = o.adapter ?? (target.kind === 'cluster' ? 'sharded' : 'classic');
  const link = await connectRedis(target, logger, o.link, kind === 'sharded');
  const { createAdapter, createShardedAdapter } = await import('@socket.io/redis-adapter');
  const prefix = o.roster.keyPrefix ?? redisRosterDefaults.keyPrefix;
  const pub = withoutUnhandledRejections(link.commands);
  const sub = withoutUnhandledRejections(link.subscriber);
  const adapter =
    kind === 'sharded'
      ? // A channel per room and per socket: a signal reaches only the node of its receiver.
        createShardedAdapter(pub, sub, {
          channelPrefix: `${prefix}socket.io`,
          subscriptionMode: 'dynamic-private',
        })
      : createAdapter(pub, sub, { key: `${prefix}socket.io` });
  const credentialStore = fallbackStore({
    shared: redisStore(link.commands, { now: o.now }),
    local: memoryStore({ now: o.now }),
    sharedAvailable: () => link.available(),
    sharedFailed: (error) => link.commandFailed(error),
  });
  const stopLegacyWatch = watchLegacyLayout(link, logger, {
    keyPrefix: prefix,
    livenessMs: o.roster.livenessMs ?? redisRosterDefaults.livenessMs,
    checkEveryMs: LEGACY_CHECK_EVERY_MS,
  });
  return {
    adapter,
    credentialStore,
    roster: (registry, onGone, deliver, onBack) => {
      const nodeId = o.roster.nodeId ?? randomId();
      const ackTimeoutMs = o.link.commandTimeoutMs ?? redisLinkDefaults.commandTimeoutMs;
      const signals = nodeSignals({ link, prefix, nodeId, deliver, logger, ackTimeoutMs });
      return redisRoster(
        { link, registry, onGone, onBack, logger, signals },
        { ...o.roster, nodeId },
      );
    },
    departed: (windowMs, now) => redisDeparted(link, prefix, windowMs, now),
    health: () => link.health(),
    close: () => {
      stopLegacyWatch();
      return link.close();
    },
  };
}

/** The commands the adapter sends without waiting for their answer. */
const FIRE_AND_FORGET = new Set<PropertyKey>([
  'publish',
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
  'spublish',
  'ssubscribe',
  'sunsubscribe',
]);

/**
 * The adapter publishes and subscribes without waiting for the answer. While Redis is away every
 * publish fails at once; those failures mean "delivered on this node only" and must not end the
 * process as unhandled rejections.
 */
function withoutUnhandledRejections<Client extends RedisClient>(client: Client): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!FIRE_AND_FORGET.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        result.catch(() => {});
        return result;
      };
    },
  });
}

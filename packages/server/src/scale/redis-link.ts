/**
 * This node's connections to Redis, and whether they work. Commands fail fast while Redis is away
 * (no offline queue, a command timeout), so a join never waits on it; the connections retry in
 * the background and say once when Redis goes and once when it is back.
 *
 * The Redis URL may hold a password: it is never logged, and errors are scrubbed of it.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { loadRedisClient } from './load-redis.js';
import type { Logger } from '../observability/logger.js';
import {
  reconnectDelayMs,
  redisLinkDefaults,
  type RedisHealth,
  type RedisLinkOptions,
  type RedisState,
} from './redis-options.js';

export interface RedisLink {
  /** Commands and publishing. Fails fast while Redis is away. */
  commands: Redis;
  /** Subscriptions only (a subscribed connection takes no other command). */
  subscriber: Redis;
  available(): boolean;
  health(): RedisHealth;
  /** Called each time both connections are ready: at start and after every outage. */
  onReady(listener: () => void): void;
  /**
   * A command failed. A timeout on an open connection means Redis hangs: until it answers a
   * probe again, the node works alone instead of waiting on every command.
   */
  commandFailed(error: unknown): void;
  close(): Promise<void>;
}

/** Rejects with `RedisClientMissingError` when ioredis is not installed. */
export async function connectRedis(
  url: string,
  logger: Logger,
  options: Partial<RedisLinkOptions> = {},
): Promise<RedisLink> {
  const Redis = await loadRedisClient();
  const o = { ...redisLinkDefaults, ...options };
  const password = safePassword(url);
  if (password) logger.redact(password);
  const base: RedisOptions = {
    connectTimeout: o.connectTimeoutMs,
    retryStrategy: (attempt) => reconnectDelayMs(attempt, o.maxReconnectDelayMs),
    // The default prints a warning per failed attempt; the state changes are logged below.
    showFriendlyErrorStack: false,
  };
  const commands = new Redis(url, {
    ...base,
    enableOfflineQueue: false,
    commandTimeout: o.commandTimeoutMs,
    maxRetriesPerRequest: 0,
  });
  // Subscriptions are queued until the connection is ready and renewed after each reconnection.
  const subscriber = new Redis(url, { ...base, maxRetriesPerRequest: null, autoResubscribe: true });

  const listeners: Array<() => void> = [];
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
    client.on('end', update);
    client.on('error', (error: Error) => {
      health = { ...health, lastError: scrub(describe(error)) };
    });
  }
  // Redis may never answer at start: say so instead of staying silent.
  const startCheck = setTimeout(() => {
    if (!everReady && !closing) sayDown();
  }, o.connectTimeoutMs);
  startCheck.unref();

  return {
    commands,
    subscriber,
    available: () => !closing && health.state === 'ok',
    health: () => ({ ...health }),
    onReady: (listener) => listeners.push(listener),
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
    close: async () => {
      closing = true;
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

/** The URL's password, decoded, or `null`; never throws on a malformed URL. */
function safePassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

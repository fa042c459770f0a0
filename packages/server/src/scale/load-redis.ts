/**
 * ioredis is an optional peer dependency: a node without Redis neither installs nor loads it, so
 * it is imported here, on first use, and only by the Redis connection.
 */
import type { Cluster, Redis } from 'ioredis';
import { RedisClientMissingError } from './redis-options.js';

/** ioredis's client classes. */
export interface RedisClientClasses {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

/** ioredis's client classes; rejects with `RedisClientMissingError` when it is not installed. */
export async function loadRedisClient(): Promise<RedisClientClasses> {
  try {
    const { Redis, Cluster } = await import('ioredis');
    return { Redis, Cluster };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String(error).includes("'ioredis'")) {
      throw new RedisClientMissingError(error);
    }
    throw error;
  }
}

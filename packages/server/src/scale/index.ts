// Nothing here may name an ioredis type: these declarations are public, and ioredis is an
// optional peer dependency (see redis-options.ts). The Redis connection and the Redis credential
// store, which hold ioredis clients, stay internal.
export {
  createRedisScaleOut,
  redisScaleOutDefaults,
  type RedisScaleOutOptions,
  type ScaleHealth,
  type ScaleOut,
} from './scale-out.js';
export {
  RedisClientMissingError,
  redisLinkDefaults,
  redisRosterDefaults,
  type RedisAccess,
  type RedisAdapterKind,
  type RedisAddress,
  type RedisTarget,
  type RedisHealth,
  type RedisLinkOptions,
  type RedisRosterOptions,
  type RedisState,
} from './redis-options.js';
export {
  localRoster,
  type ClaimResult,
  type PeerLocation,
  type PeerSocket,
  type Roster,
} from '../signaling/roster.js';
export { fallbackStore, type FallbackStoreDeps } from './fallback-store.js';

export {
  createRedisScaleOut,
  redisScaleOutDefaults,
  type RedisScaleOutOptions,
  type ScaleHealth,
  type ScaleOut,
} from './scale-out.js';
export {
  connectRedis,
  redisLinkDefaults,
  type RedisHealth,
  type RedisLink,
  type RedisLinkOptions,
  type RedisState,
} from './redis-link.js';
export { redisRosterDefaults, type RedisRosterOptions } from './redis-roster.js';
export {
  localRoster,
  type ClaimResult,
  type PeerLocation,
  type Roster,
} from '../signaling/roster.js';
export { fallbackStore, type FallbackStoreDeps } from './fallback-store.js';
export {
  redisStore,
  redisStoreDefaults,
  type RedisStoreOptions,
} from '../credentials/redis-store.js';

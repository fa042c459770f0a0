export { freePort, waitForPort } from './ports.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumLaunchOptions } from './chromium.js';
export {
  startCoturn,
  stopChild,
  coturnDefaults,
  type Coturn,
  type CoturnOptions,
} from './coturn.js';
export {
  SERVER_MAIN,
  serverProcessDefaults,
  startServerProcess,
  type ServerProcess,
  type ServerProcessOptions,
} from './server-process.js';
export {
  FIREFOX_BIDI_LAUNCHER,
  FIREFOX_PATH,
  FIREFOX_PREFS,
  firefoxLaunchDefaults,
  firefoxLaunchOptions,
  type FirefoxLaunchSettings,
} from './firefox.js';
export {
  cloudflareFakeDefaults,
  createCloudflareApi,
  documentedIceServers,
  startCloudflareFake,
  type CloudflareApi,
  type CloudflareFake,
  type CloudflareFakeOptions,
  type FakeIceServer,
  type FakeMode,
  type FakeRequest,
} from './cloudflare-fake.js';
export { turnRestCredential, turnRestPassword } from './turn-rest.js';
export {
  REDIS_SERVER,
  redisServerDefaults,
  startRedis,
  type RedisServer,
  type RedisServerOptions,
} from './redis.js';
export {
  eventually,
  logged,
  readyz,
  redisNodesDefaults,
  redisUpOn,
  startRedisNodes,
  type Readiness,
  type RedisNodes,
  type RedisNodesOptions,
} from './redis-nodes.js';
export {
  counterSum,
  parseMetricsText,
  sumBy,
  sumOf,
  type MetricSample,
} from './prometheus-text.js';
export {
  redisClusterDefaults,
  startRedisCluster,
  type ClusterNodeInfo,
  type RedisCluster,
  type RedisClusterOptions,
} from './redis-cluster.js';
export {
  REDIS_CLI,
  infoFields,
  redisCli,
  startRedisProcess,
  type RedisProcess,
} from './redis-process.js';
export {
  redisSentinelDefaults,
  startRedisSentinel,
  type RedisSentinel,
  type RedisSentinelOptions,
} from './redis-sentinel.js';

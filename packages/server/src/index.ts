// The server's public API: what an app needs to mount icelane on its own HTTP server (the CLI,
// main.ts, is one such app). Internals (rosters, Redis links, stores, helpers) stay private.
export {
  createIcelaneServer,
  icelaneServerDefaults,
  type IcelaneServer,
  type IcelaneServerDeps,
  type IcelaneServerOptions,
} from './app.js';
export {
  createIcelaneHandler,
  type IcelaneHandlerDeps,
  type IcelaneHandlerOptions,
} from './http/handler.js';
export type { IcelaneHandler } from './http/own-paths.js';
export type { Clock } from './signaling/context.js';
export type { CorsOrigins } from './http/cors.js';
export { helpText, readConfig, type IcelaneConfig } from './config.js';
export { ConfigError, type ConfigIssue, type Env } from './env-reader.js';
export {
  createIceSource,
  iceSourceDefaults,
  backoffDefaults,
  breakerDefaults,
  createCloudflareProvider,
  cloudflareDefaults,
  createCoturnProvider,
  coturnProviderDefaults,
  createStaticProvider,
  staticProviderDefaults,
  ProviderError,
  type BackoffOptions,
  type BreakerOptions,
  type BreakerState,
  type CloudflareOptions,
  type CoturnProviderOptions,
  type CredentialScope,
  type CredentialStore,
  type IceSession,
  type IceSource,
  type IceSourceDeps,
  type IceSourceOptions,
  type LockResult,
  type MintRequest,
  type ProviderErrorKind,
  type ProviderHealth,
  type ProviderName,
  type ProviderState,
  type ProviderStatus,
  type StaticProviderOptions,
  type TurnCredential,
  type TurnProvider,
} from './credentials/index.js';
export {
  createRedisScaleOut,
  RedisClientMissingError,
  redisScaleOutDefaults,
  type RedisAccess,
  type RedisAdapterKind,
  type RedisAddress,
  type RedisScaleOutOptions,
  type RedisTarget,
  type ScaleHealth,
  type ScaleOut,
} from './scale/index.js';
export type { AuthDecision, AuthRequest, Authorize } from './clients/authorize.js';
export {
  allOf,
  createJwtAuthorize,
  jwtVerifierDefaults,
  type JwtAuthorizeDeps,
  type JwtVerifierInput,
  type VerifiedJwt,
} from './auth/index.js';
export { rateLimitsDefaults, type RateLimits } from './clients/limiters.js';
export type { RateLimit } from './clients/rate-limit.js';
export {
  createLogger,
  loggerDefaults,
  silentLogger,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './observability/logger.js';
export {
  createMetrics,
  metricsDefaults,
  type Metrics,
  type MetricsOptions,
} from './observability/metrics.js';
export {
  callHistoryDefaults,
  type CallHistoryOptions,
  type CallHistoryRecorder,
} from './observability/call-history.js';

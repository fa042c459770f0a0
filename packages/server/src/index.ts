export {
  createIcelaneServer,
  icelaneServerDefaults,
  type IcelaneServer,
  type IcelaneServerDeps,
  type IcelaneServerOptions,
} from './app.js';
export {
  ENV_VARIABLES,
  helpText,
  readConfig,
  type EnvName,
  type IcelaneConfig,
  type JwtConfig,
  type TurnConfig,
} from './config.js';
export { ConfigError, type ConfigIssue, type Env } from './env-reader.js';
export { rateLimitsDefaults, type RateLimits } from './signaling/limiters.js';
export type { RateLimit } from './signaling/rate-limit.js';
export type { AuthDecision, AuthRequest, Authorize } from './signaling/authorize.js';
export {
  JwtError,
  allOf,
  createJwtAuthorize,
  createJwtVerifier,
  jwksDefaults,
  jwtVerifierDefaults,
  type JwksOptions,
  type JwtAuthorizeDeps,
  type JwtRefusal,
  type JwtVerifier,
  type JwtVerifierInput,
  type JwtVerifierOptions,
  type VerifiedJwt,
} from './auth/index.js';
export type { Clock } from './signaling/context.js';
export type { CorsOrigins } from './http/cors.js';
export {
  createLogger,
  loggerDefaults,
  silentLogger,
  type LogFields,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './observability/logger.js';
export {
  createMetrics,
  metricsDefaults,
  type CacheResult,
  type Metrics,
  type MetricsOptions,
  type MintOutcome,
} from './observability/metrics.js';
export {
  CLOUDFLARE_MAX_TTL_SECONDS,
  ProviderError,
  backoffDefaults,
  cloudflareDefaults,
  coturnProviderDefaults,
  createCloudflareProvider,
  createCoturnProvider,
  createIceSource,
  createStaticProvider,
  iceSourceDefaults,
  memoryStore,
  memoryStoreDefaults,
  staticProviderDefaults,
  turnRestCredential,
  turnRestUsername,
  type BackoffOptions,
  type CloudflareOptions,
  type CoturnProviderOptions,
  type CredentialScope,
  type CredentialStore,
  type IceSession,
  type IceSource,
  type IceSourceDeps,
  type IceSourceOptions,
  type LockResult,
  type MemoryStoreOptions,
  type MintRequest,
  type ProviderErrorKind,
  type ProviderHealth,
  type ProviderName,
  type ProviderState,
  type StaticProviderOptions,
  type TurnCredential,
  type TurnProvider,
} from './credentials/index.js';

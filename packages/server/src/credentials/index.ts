export {
  backoffCeilingMs,
  backoffDefaults,
  backoffDelayMs,
  type BackoffOptions,
} from './backoff.js';
export {
  breakerDefaults,
  createBreaker,
  type Breaker,
  type BreakerOptions,
  type BreakerState,
} from './breaker.js';
export {
  createCredentialCache,
  credentialCacheDefaults,
  type CachedCredential,
  type CredentialCache,
  type CredentialCacheDeps,
  type CredentialCacheOptions,
} from './cache.js';
export {
  CLOUDFLARE_MAX_TTL_SECONDS,
  cloudflareDefaults,
  createCloudflareProvider,
  type CloudflareOptions,
} from './cloudflare.js';
export {
  coturnProviderDefaults,
  createCoturnProvider,
  turnRestCredential,
  turnRestUsername,
  type CoturnProviderOptions,
} from './coturn.js';
export {
  createIceSource,
  iceSourceDefaults,
  type IceSource,
  type IceSourceDeps,
  type IceSourceOptions,
} from './ice-source.js';
export type { IceSession } from './ice-session.js';
export type { ProviderHealth, ProviderState, ProviderStatus } from './provider-health.js';
export {
  ProviderError,
  type CredentialScope,
  type MintRequest,
  type ProviderErrorKind,
  type ProviderName,
  type TurnCredential,
  type TurnProvider,
} from './provider.js';
export {
  createStaticProvider,
  staticProviderDefaults,
  type StaticProviderOptions,
} from './static.js';
export {
  memoryStore,
  memoryStoreDefaults,
  type CredentialStore,
  type LockResult,
  type MemoryStoreOptions,
} from './store.js';

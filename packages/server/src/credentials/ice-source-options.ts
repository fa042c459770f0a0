/**
 * The options of the ICE source, their defaults, and the start-up check that refuses a
 * configuration that cannot work.
 */
import {
  assembleIceDefaults,
  classifyIceUrl,
  parseIceUrl,
  type IcePolicy,
} from '@icelane/protocol';
import { backoffDefaults, type BackoffOptions } from './backoff.js';
import { breakerDefaults, validateBreakerOptions, type BreakerOptions } from './breaker.js';
import type { CredentialScope, TurnProvider } from './provider.js';

/** The options of {@link createIceSource}; each field notes the environment variable it comes from. */
export interface IceSourceOptions {
  /** STUN URLs handed to every client (`ICELANE_STUN_URLS`). */
  stunUrls: string[];
  /** STUN URLs for the clients' network check only (`ICELANE_STUN_PROBE_URLS`): handed out as
   * `stunProbe`, beside `iceServers` and outside its cap. Each should differ in port or address
   * from the first STUN URL, on a server that answers there (coturn: a second listening address
   * opens its alternative port, listening port + 1). */
  stunProbeUrls: string[];
  /** Where TURN credentials come from (the first of `ICELANE_TURN_PROVIDER`); `null` for STUN
   * only. */
  provider: TurnProvider | null;
  /** Providers asked in order when `provider` has nothing usable (the rest of
   * `ICELANE_TURN_PROVIDER`); each must have another name. */
  fallbacks: TurnProvider[];
  /** When a provider of the failover list is skipped, and for how long (see breaker.ts). */
  breaker: BreakerOptions;
  /** `ICELANE_CREDENTIAL_SCOPE`; `null` takes the provider's default (shared for Cloudflare and
   * static, per-session for coturn). */
  scope: CredentialScope | null;
  /** The lifetime asked of the provider (`ICELANE_TURN_TTL_SECONDS`); Cloudflare clamps to 48 h. */
  ttlSeconds: number;
  /** A shared credential with less life than this left is never handed out; clients are told
   * `expiresAt` and refresh before it. Must be shorter than the TTL. */
  minRemainingMs: number;
  /** A shared credential is refreshed in the background once less than this share of its
   * lifetime remains. */
  refreshAheadRatio: number;
  /** The most URLs in an answer (`ICELANE_MAX_ICE_URLS`); Firefox warns above a few. */
  maxUrls: number;
  /** The longest a join waits for TURN credentials from one provider before going on to the
   * next, or answering STUN-only after the last (`ICELANE_JOIN_TIMEOUT_MS`). */
  joinTimeoutMs: number;
  /** A provider call that has not settled after this long counts as failed. */
  mintTimeoutMs: number;
  /** The first-attempt policy recommended to clients (`ICELANE_RELAY_POLICY`). */
  policy: IcePolicy;
  /** Pace of retries after provider failures. */
  backoff: BackoffOptions;
  /** Per-session scope: the most sessions whose credentials are remembered to be revoked when
   * they end (`GET /ice` answers are remembered until they expire). Past it, the oldest expire
   * unrevoked. */
  maxRevocableSessions: number;
}

export const iceSourceDefaults: IceSourceOptions = {
  stunUrls: ['stun:stun.cloudflare.com:3478'],
  stunProbeUrls: [],
  provider: null,
  fallbacks: [],
  breaker: breakerDefaults,
  scope: null,
  ttlSeconds: 86_400,
  minRemainingMs: 2 * 3600_000,
  refreshAheadRatio: 0.5,
  maxUrls: assembleIceDefaults.maxUrls,
  joinTimeoutMs: 3_000,
  mintTimeoutMs: 10_000,
  policy: 'all',
  backoff: backoffDefaults,
  maxRevocableSessions: 10_000,
};

/** Throws a clear error on options that cannot work; called once at start-up. */
export function validateIceSourceOptions(o: IceSourceOptions): void {
  for (const url of [...o.stunUrls, ...o.stunProbeUrls]) {
    const parsed = parseIceUrl(url);
    if (!parsed || classifyIceUrl(parsed) !== 'stun') {
      throw new Error(`ICE: "${url}" is not a valid stun: or stuns: URL`);
    }
  }
  if (o.stunProbeUrls.some((url) => parseIceUrl(url)!.port === 53)) {
    throw new Error('ICE: a probe STUN URL on port 53 would be blocked by browsers');
  }
  if (!Number.isInteger(o.maxUrls) || o.maxUrls < 1) {
    throw new Error('ICE: maxUrls must be a positive integer');
  }
  if (!Number.isInteger(o.ttlSeconds) || o.ttlSeconds < 1) {
    throw new Error('ICE: ttlSeconds must be a positive integer');
  }
  if (o.minRemainingMs < 0 || o.minRemainingMs >= o.ttlSeconds * 1000) {
    throw new Error('ICE: minRemainingMs must be at least 0 and shorter than the TTL');
  }
  if (!(o.refreshAheadRatio > 0 && o.refreshAheadRatio < 1)) {
    throw new Error('ICE: refreshAheadRatio must be between 0 and 1');
  }
  if (!(o.joinTimeoutMs > 0) || !(o.mintTimeoutMs > 0)) {
    throw new Error('ICE: joinTimeoutMs and mintTimeoutMs must be positive');
  }
  if (!Number.isInteger(o.maxRevocableSessions) || o.maxRevocableSessions < 0) {
    throw new Error('ICE: maxRevocableSessions must be a whole number');
  }
  if (o.policy !== 'all' && o.policy !== 'relay') {
    throw new Error(`ICE: policy must be "all" or "relay"`);
  }
  if (o.policy === 'relay' && !o.provider) {
    throw new Error('ICE: policy "relay" needs a TURN provider');
  }
  if (o.fallbacks.length > 0 && !o.provider) {
    throw new Error('ICE: fallbacks need a provider to fall back from');
  }
  const names = [o.provider, ...o.fallbacks].flatMap((provider) =>
    provider ? [provider.name] : [],
  );
  if (new Set(names).size !== names.length) {
    // Their shared credentials, metrics and health are told apart by name.
    throw new Error(
      `ICE: each provider of the failover list must be of another kind (${names.join(', ')})`,
    );
  }
  validateBreakerOptions(o.breaker);
  if (o.scope !== null && o.scope !== 'shared' && o.scope !== 'per-session') {
    throw new Error('ICE: scope must be "shared" or "per-session"');
  }
}

/**
 * The shared credential: one provider call serves every join until the credential is due for
 * refresh, refreshed ahead of expiry in the background, and never handed out with less than
 * `minRemainingMs` of life left.
 */
import type { CacheResult, Metrics } from '../observability/metrics.js';
import type { ProviderCaller } from './provider-caller.js';
import type { TurnCredential } from './provider.js';
import type { CredentialStore } from './store.js';

export interface CredentialCacheOptions {
  /** The lifetime asked of the provider. */
  ttlSeconds: number;
  /** A credential with less life than this left is never handed out. */
  minRemainingMs: number;
  /**
   * Refresh in the background once less than this share of the credential's lifetime remains
   * (0.5: at half-life).
   */
  refreshAheadRatio: number;
  /** The longest a join waits for a provider call when there is nothing usable to serve. */
  joinTimeoutMs: number;
  /** The store key of this credential. */
  key: string;
  /** How long another node's mint lease may last before it counts as abandoned. */
  leaseMs: number;
  /** How often to read the store while another node holds the lease. */
  pollMs: number;
}

export const credentialCacheDefaults: Omit<CredentialCacheOptions, 'key'> = {
  ttlSeconds: 86_400,
  minRemainingMs: 2 * 3600_000,
  refreshAheadRatio: 0.5,
  joinTimeoutMs: 3_000,
  leaseMs: 15_000,
  pollMs: 200,
};

export interface CredentialCacheDeps {
  caller: ProviderCaller;
  store: CredentialStore;
  metrics: Metrics;
  now: () => number;
  /** Called with each credential minted here, so the logger can redact it. */
  onMinted: (credential: TurnCredential) => void;
}

export interface CachedCredential {
  /** `null`: nothing usable; answer STUN-only. */
  credential: TurnCredential | null;
  result: CacheResult;
}

export interface CredentialCache {
  /** Never rejects; waits at most `joinTimeoutMs`. */
  get(): Promise<CachedCredential>;
  /**
   * The credential without waiting, when the store holds it in memory and it is fresh or due for
   * refresh (counted and refreshed as by `get`); `undefined` when only `get` can answer, and then
   * nothing was counted or started.
   */
  getNow(): TurnCredential | undefined;
  /** Stops polling and refreshing. */
  close(): void;
}

type Freshness = 'fresh' | 'due' | 'unusable';

export function createCredentialCache(
  deps: CredentialCacheDeps,
  options: Partial<CredentialCacheOptions> & Pick<CredentialCacheOptions, 'key'>,
): CredentialCache {
  const o: CredentialCacheOptions = { ...credentialCacheDefaults, ...options };
  const { caller, store, metrics, now, onMinted } = deps;
  let flight: Promise<TurnCredential | null> | null = null;
  let closed = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const freshness = (credential: TurnCredential | null): Freshness => {
    if (!credential) return 'unusable';
    if (credential.expiresAt === null) return 'fresh';
    const remaining = credential.expiresAt - now();
    if (remaining < o.minRemainingMs) return 'unusable';
    const lifetime = credential.expiresAt - credential.issuedAt;
    return remaining < lifetime * o.refreshAheadRatio ? 'due' : 'fresh';
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const mintUnderLease = async (): Promise<TurnCredential | null> => {
    const outcome = await store.withLock(o.key, o.leaseMs, async () => {
      // Another node may have refreshed while we were deciding to.
      const stored = await store.get(o.key);
      if (freshness(stored) === 'fresh') return stored;
      const credential = await caller.mint({ ttlSeconds: o.ttlSeconds });
      onMinted(credential);
      await store.set(o.key, credential);
      return credential;
    });
    if (outcome.acquired) return outcome.value;
    // Another node is minting: read what it stores, until its lease runs out.
    const giveUpAt = now() + o.leaseMs;
    while (!closed && now() < giveUpAt) {
      await sleep(o.pollMs);
      const stored = await store.get(o.key);
      if (freshness(stored) === 'fresh') return stored;
    }
    return null;
  };

  /** The refresh in flight, a new one, or `null` while backing off. */
  const refresh = (): Promise<TurnCredential | null> | null => {
    if (flight) return flight;
    if (closed || !caller.ready()) return null;
    // Failures are logged and counted by the caller; here they only mean "nothing new".
    const current = mintUnderLease().catch(() => null);
    flight = current;
    void current.finally(() => {
      if (flight === current) flight = null;
    });
    return current;
  };

  const within = async (
    pending: Promise<TurnCredential | null>,
    ms: number,
  ): Promise<TurnCredential | null> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async get() {
      const stored = await store.get(o.key).catch(() => null);
      const state = freshness(stored);
      if (state === 'fresh') {
        metrics.credentialCache.inc({ result: 'hit' });
        return { credential: stored, result: 'hit' };
      }
      if (state === 'due') {
        metrics.credentialCache.inc({ result: 'stale' });
        refresh();
        return { credential: stored, result: 'stale' };
      }
      metrics.credentialCache.inc({ result: 'miss' });
      const pending = refresh();
      if (!pending) return { credential: null, result: 'miss' };
      const minted = await within(pending, o.joinTimeoutMs);
      return { credential: freshness(minted) === 'unusable' ? null : minted, result: 'miss' };
    },

    getNow() {
      if (!store.peek) return undefined;
      const stored = store.peek(o.key);
      const state = freshness(stored);
      if (stored === null || state === 'unusable') return undefined;
      metrics.credentialCache.inc({ result: state === 'fresh' ? 'hit' : 'stale' });
      if (state === 'due') refresh();
      return stored;
    },

    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * Where the shared credential lives. Memory by default; a Redis implementation lets several
 * nodes share one credential, with a lease so one node mints while the others wait or serve stale.
 */
import type { TurnCredential } from './provider.js';

/** The outcome of {@link CredentialStore.withLock}. */
export type LockResult<T> = { acquired: true; value: T } | { acquired: false };

export interface CredentialStore {
  /** The stored credential for `key`, or `null`. */
  get(key: string): Promise<TurnCredential | null>;
  set(key: string, credential: TurnCredential): Promise<void>;
  /**
   * The stored credential at once, for a store that holds it in this process's memory: a join
   * served from it waits for nothing. Stores that must ask elsewhere (Redis) leave it out.
   */
  peek?(key: string): TurnCredential | null;
  /**
   * Runs `task` while holding the mint lease for `key`, released when the task settles or after
   * `leaseMs` at the latest (a node that dies while minting must not block the others). Does not
   * wait: when another holder has the lease, answers `{ acquired: false }` at once and the caller
   * reads the store again later.
   */
  withLock<T>(key: string, leaseMs: number, task: () => Promise<T>): Promise<LockResult<T>>;
}

export interface MemoryStoreOptions {
  /** The clock that ages leases. */
  now: () => number;
}

export const memoryStoreDefaults: MemoryStoreOptions = { now: () => Date.now() };

/** A store for one node: a map and a lease table in this process. */
export function memoryStore(options: Partial<MemoryStoreOptions> = {}): CredentialStore {
  const { now } = { ...memoryStoreDefaults, ...options };
  const credentials = new Map<string, TurnCredential>();
  const leases = new Map<string, { until: number; token: symbol }>();

  return {
    get: (key) => Promise.resolve(credentials.get(key) ?? null),
    peek: (key) => credentials.get(key) ?? null,
    set: (key, credential) => {
      credentials.set(key, credential);
      return Promise.resolve();
    },
    withLock: async (key, leaseMs, task) => {
      const held = leases.get(key);
      if (held && held.until > now()) return { acquired: false };
      const token = Symbol(key);
      leases.set(key, { until: now() + leaseMs, token });
      try {
        return { acquired: true, value: await task() };
      } finally {
        // Release only our own lease: it may have expired and been taken by someone else.
        if (leases.get(key)?.token === token) leases.delete(key);
      }
    },
  };
}

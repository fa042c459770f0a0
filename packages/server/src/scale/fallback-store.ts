/**
 * The credential store of a node on Redis: Redis while it answers, this node's memory while it
 * does not. Every credential seen in Redis is kept in memory too, so an outage still serves the
 * unexpired credential instead of minting one per node or answering STUN-only.
 */
import type { CredentialStore } from '../credentials/store.js';

export interface FallbackStoreDeps {
  /** The store shared by every node (Redis). */
  shared: CredentialStore;
  /** This node's own store, used while the shared one is unavailable. */
  local: CredentialStore;
  /** Whether the shared store is worth asking; when not, calls go to `local` at once. */
  sharedAvailable: () => boolean;
  /** A call to the shared store failed (so the caller can tell a hanging Redis). */
  sharedFailed: (error: unknown) => void;
}

export function fallbackStore({
  shared,
  local,
  sharedAvailable,
  sharedFailed,
}: FallbackStoreDeps): CredentialStore {
  return {
    async get(key) {
      if (sharedAvailable()) {
        try {
          const credential = await shared.get(key);
          if (credential) await local.set(key, credential);
          return credential ?? (await local.get(key));
        } catch (error) {
          // Redis went away during the call: answer as a single node would.
          sharedFailed(error);
        }
      }
      return local.get(key);
    },

    async set(key, credential) {
      await local.set(key, credential);
      if (!sharedAvailable()) return;
      // Other nodes mint their own while they cannot read this one; nothing more to do here.
      await shared.set(key, credential).catch(sharedFailed);
    },

    async withLock(key, leaseMs, task) {
      if (sharedAvailable()) {
        let started = false;
        try {
          return await shared.withLock(key, leaseMs, () => {
            started = true;
            return task();
          });
        } catch (error) {
          // The task's own failure is the caller's; only a lease Redis could not give falls back.
          if (started) throw error;
          sharedFailed(error);
        }
      }
      return local.withLock(key, leaseMs, task);
    },
  };
}

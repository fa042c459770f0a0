/**
 * The shared credential in Redis, so several nodes make one provider call per refresh between
 * them. The mint lease is `SET lock token NX PX lease`; it is released by a script that deletes
 * the lock only while it still holds our token, because a lease that ran out may already belong
 * to another node.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../scale/redis-clients.js';
import type { TurnCredential } from './provider.js';
import type { CredentialStore } from './store.js';

export interface RedisStoreOptions {
  /** The clock that gives a stored credential its Redis expiry. */
  now: () => number;
  /** Appended to a credential's key to name its mint lease. */
  lockSuffix: string;
}

export const redisStoreDefaults: RedisStoreOptions = {
  now: () => Date.now(),
  lockSuffix: ':lock',
};

const RELEASE_OWN_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * A {@link CredentialStore} on one Redis connection. Its operations reject when Redis does not
 * answer; wrap it in a fallback (see `fallbackStore`) to keep serving through an outage.
 */
export function redisStore(
  redis: RedisClient,
  options: Partial<RedisStoreOptions> = {},
): CredentialStore {
  const { now, lockSuffix } = { ...redisStoreDefaults, ...options };

  return {
    async get(key) {
      const text = await redis.get(key);
      return text === null ? null : parseCredential(text);
    },

    async set(key, credential) {
      const json = JSON.stringify(credential);
      const lifeMs = credential.expiresAt === null ? null : credential.expiresAt - now();
      // An expired credential is of no use to any node: let Redis forget it with the rest.
      if (lifeMs === null) await redis.set(key, json);
      else await redis.set(key, json, 'PX', Math.max(1, Math.ceil(lifeMs)));
    },

    async withLock(key, leaseMs, task) {
      const lock = key + lockSuffix;
      const token = randomBytes(16).toString('hex');
      const taken = await redis.set(lock, token, 'PX', Math.max(1, Math.ceil(leaseMs)), 'NX');
      if (taken !== 'OK') return { acquired: false };
      try {
        return { acquired: true, value: await task() };
      } finally {
        // A failed release is harmless: the lease runs out by itself.
        await redis.eval(RELEASE_OWN_LEASE, 1, lock, token).catch(() => {});
      }
    },
  };
}

/** A stored credential, or `null` for anything that is not one (written by another version). */
function parseCredential(text: string): TurnCredential | null {
  try {
    const value = JSON.parse(text) as Partial<TurnCredential> | null;
    if (
      value &&
      Array.isArray(value.iceServers) &&
      typeof value.issuedAt === 'number' &&
      (value.expiresAt === null || typeof value.expiresAt === 'number')
    ) {
      return value as TurnCredential;
    }
  } catch {
    // Not JSON: treated as nothing stored, so a node mints a fresh one.
  }
  return null;
}

/**
 * Per-session credentials: minted for each join, bound to its session id, and revoked when the
 * session ends where the provider can revoke.
 *
 * Revocable credentials are remembered until their session is released or they expire, whichever
 * comes first, and never more than `maxSessions` sessions at once: a session that is never
 * released (a `GET /ice` answer has no socket to end) must not stay in memory for ever
 * (issue 14: +1,242 bytes per request, never revoked).
 */
import type { Logger } from '../observability/logger.js';
import type { ProviderCaller } from './provider-caller.js';
import type { TurnCredential } from './provider.js';

export interface SessionCredentialsOptions {
  ttlSeconds: number;
  /** The longest a join waits for the provider. */
  joinTimeoutMs: number;
  /**
   * The most sessions whose credentials are remembered for revocation. Past it, the oldest is
   * forgotten, not revoked (it may carry a live call): its credential simply expires.
   */
  maxSessions: number;
}

export interface SessionCredentialsDeps {
  caller: ProviderCaller;
  logger: Logger;
  onMinted: (credential: TurnCredential) => void;
  now: () => number;
}

export interface SessionCredentials {
  /**
   * A new credential for the session, or `null` (provider failing, backing off, too slow).
   * `user`: the user's handle, for providers that attribute usage per credential.
   */
  mint(sessionId: string, user?: string): Promise<TurnCredential | null>;
  /** Revokes every unexpired credential minted for the session, in the background. */
  release(sessionId: string): void;
  /** How many sessions have credentials remembered for revocation. */
  remembered(): number;
  close(): void;
}

interface Remembered {
  credentials: TurnCredential[];
  /** When the last of them expires (ms since the epoch). */
  until: number;
}

export function createSessionCredentials(
  deps: SessionCredentialsDeps,
  options: SessionCredentialsOptions,
): SessionCredentials {
  const { caller, logger, onMinted, now } = deps;
  const revoke = caller.provider.revoke?.bind(caller.provider);
  // Only revocable credentials are remembered; the others simply expire. Insertion order is
  // the order of the latest mint, so the front holds the sessions that expire first.
  const bySession = new Map<string, Remembered>();
  let saidFull = false;
  let closed = false;

  const revokeAll = (credentials: TurnCredential[]) => {
    if (!revoke) return;
    const at = now();
    for (const credential of credentials) {
      // An expired credential opens nothing: no call needed.
      if (credential.expiresAt !== null && credential.expiresAt <= at) continue;
      revoke(credential).catch((error: unknown) => {
        logger.warn('could not revoke a session credential', {
          provider: caller.provider.name,
          error: error instanceof Error ? error.message : 'unknown error',
        });
      });
    }
  };

  const forgetExpired = () => {
    const at = now();
    for (const [sessionId, entry] of bySession) {
      if (entry.until > at) break;
      bySession.delete(sessionId);
    }
  };

  const remember = (sessionId: string, credential: TurnCredential) => {
    forgetExpired();
    const entry = bySession.get(sessionId);
    bySession.delete(sessionId);
    const at = now();
    const credentials = (entry?.credentials ?? []).filter(
      (c) => c.expiresAt === null || c.expiresAt > at,
    );
    credentials.push(credential);
    const until = Math.max(entry?.until ?? 0, credential.expiresAt ?? Infinity);
    bySession.set(sessionId, { credentials, until });
    while (bySession.size > options.maxSessions) {
      bySession.delete(bySession.keys().next().value!);
      if (!saidFull) {
        saidFull = true;
        logger.warn('too many per-session credentials to remember: the oldest expire unrevoked', {
          provider: caller.provider.name,
          maxSessions: options.maxSessions,
        });
      }
    }
  };

  return {
    async mint(sessionId, user) {
      if (closed || !caller.ready()) return null;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.joinTimeoutMs);
      try {
        const credential = await caller.mint({
          ttlSeconds: options.ttlSeconds,
          sessionId,
          ...(user ? { user } : {}),
          signal: controller.signal,
        });
        onMinted(credential);
        if (revoke) {
          // A session that left while its credential was being minted gets it revoked at once.
          if (closed) revokeAll([credential]);
          else remember(sessionId, credential);
        }
        return credential;
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    },

    release(sessionId) {
      const entry = bySession.get(sessionId);
      forgetExpired();
      if (!entry) return;
      bySession.delete(sessionId);
      revokeAll(entry.credentials);
    },

    remembered: () => bySession.size,

    close() {
      closed = true;
      bySession.clear();
    },
  };
}

/**
 * Per-session credentials: minted for each join, bound to its session id, and revoked when the
 * session ends where the provider can revoke.
 */
import type { Logger } from '../observability/logger.js';
import type { ProviderCaller } from './provider-caller.js';
import type { TurnCredential } from './provider.js';

export interface SessionCredentialsOptions {
  ttlSeconds: number;
  /** The longest a join waits for the provider. */
  joinTimeoutMs: number;
}

export interface SessionCredentialsDeps {
  caller: ProviderCaller;
  logger: Logger;
  onMinted: (credential: TurnCredential) => void;
}

export interface SessionCredentials {
  /** A new credential for the session, or `null` (provider failing, backing off, too slow). */
  mint(sessionId: string): Promise<TurnCredential | null>;
  /** Revokes every credential minted for the session, in the background. */
  release(sessionId: string): void;
  close(): void;
}

export function createSessionCredentials(
  deps: SessionCredentialsDeps,
  options: SessionCredentialsOptions,
): SessionCredentials {
  const { caller, logger, onMinted } = deps;
  const revoke = caller.provider.revoke?.bind(caller.provider);
  // Only revocable credentials are remembered; the others simply expire.
  const bySession = new Map<string, TurnCredential[]>();
  let closed = false;

  const revokeAll = (credentials: TurnCredential[]) => {
    if (!revoke) return;
    for (const credential of credentials) {
      revoke(credential).catch((error: unknown) => {
        logger.warn('could not revoke a session credential', {
          provider: caller.provider.name,
          error: error instanceof Error ? error.message : 'unknown error',
        });
      });
    }
  };

  return {
    async mint(sessionId) {
      if (closed || !caller.ready()) return null;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.joinTimeoutMs);
      try {
        const credential = await caller.mint({
          ttlSeconds: options.ttlSeconds,
          sessionId,
          signal: controller.signal,
        });
        onMinted(credential);
        if (revoke) {
          // A session that left while its credential was being minted gets it revoked at once.
          if (closed) revokeAll([credential]);
          else bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), credential]);
        }
        return credential;
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    },

    release(sessionId) {
      const credentials = bySession.get(sessionId);
      if (!credentials) return;
      bySession.delete(sessionId);
      revokeAll(credentials);
    },

    close() {
      closed = true;
      bySession.clear();
    },
  };
}

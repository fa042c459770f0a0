/**
 * One provider's part of an ICE answer: its calls (through the provider caller), its scope (the
 * shared cache or per-session credentials), and the assembled list of STUN and TURN servers. The
 * ICE source puts one of these per configured provider behind the failover.
 */
import { assembleIceServers, hasTurn, type IceServer } from '@icelane/protocol';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createCredentialCache } from './cache.js';
import type { IceSourceOptions } from './ice-source-options.js';
import type { IceSession } from './ice-session.js';
import type { ProviderHealth } from './provider-health.js';
import type { ProviderName, TurnCredential, TurnProvider } from './provider.js';
import { createProviderCaller } from './provider-caller.js';
import { createSessionCredentials } from './session-credentials.js';
import { lastCredentialMemo } from './shared-answer.js';
import { memoryStore, type CredentialStore } from './store.js';
import { userHandle } from './user-handle.js';

/** An answer with TURN: the assembled servers (read them, never modify them) and their expiry. */
export interface TurnPart {
  iceServers: IceServer[];
  expiresAt: number | null;
}

export interface ProviderSource {
  readonly name: ProviderName;
  /**
   * The servers for a session, or `null` when this provider has nothing usable in time (failing,
   * backing off, too slow, or a credential without a usable TURN URL). Never rejects. Answered at
   * once, not as a promise, from a shared credential the store holds in memory.
   */
  turnFor(session: IceSession): TurnPart | null | Promise<TurnPart | null>;
  /** Revokes the session's per-session credentials where the provider can; no-op otherwise. */
  release(session: IceSession): void;
  health(): ProviderHealth;
  close(): void;
}

export interface ProviderSourceDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  random: () => number;
  store: CredentialStore | undefined;
  /** The key of the user handles carried by per-session credentials. */
  userHandleKey: string;
  /** The STUN servers every answer starts with. */
  stun: IceServer[];
}

export function createProviderSource(
  provider: TurnProvider,
  o: IceSourceOptions,
  deps: ProviderSourceDeps,
): ProviderSource {
  const { logger, metrics, now, stun } = deps;
  for (const secret of provider.secrets) logger.redact(secret);
  const onMinted = (credential: TurnCredential) => {
    for (const server of credential.iceServers) {
      if (server.credential) logger.redact(server.credential);
    }
  };
  const caller = createProviderCaller(
    provider,
    { logger, metrics, now, random: deps.random },
    { mintTimeoutMs: o.mintTimeoutMs, backoff: o.backoff },
  );
  const scope = o.scope ?? provider.defaultScope;
  const shared =
    scope === 'shared'
      ? createCredentialCache(
          { caller, store: deps.store ?? memoryStore({ now }), metrics, now, onMinted },
          { ...o, key: `icelane:turn:${provider.name}`, leaseMs: o.mintTimeoutMs + 5_000 },
        )
      : null;
  // Per-session credentials are not registered for redaction: one entry per join would grow the
  // logger's list without bound. Nothing here logs them.
  const sessions = shared
    ? null
    : createSessionCredentials(
        { caller, logger, onMinted: () => {}, now },
        { ...o, maxSessions: o.maxRevocableSessions },
      );

  // A shared credential is handed out many times: say once that it was unusable.
  const warned = new WeakSet<TurnCredential>();
  const assemble = (credential: TurnCredential): TurnPart | null => {
    const { iceServers, dropped } = assembleIceServers([...stun, ...credential.iceServers], {
      maxUrls: o.maxUrls,
    });
    if (hasTurn(iceServers)) return { iceServers, expiresAt: credential.expiresAt };
    if (!warned.has(credential)) {
      warned.add(credential);
      logger.warn('no usable TURN URL in the minted credential', {
        provider: provider.name,
        dropped: dropped.map(({ url, reason }) => ({ url, reason })),
      });
    }
    return null;
  };
  // A per-session credential serves one join: there is nothing to reuse.
  const assembled = shared ? lastCredentialMemo(assemble) : assemble;

  return {
    name: provider.name,
    turnFor(session) {
      if (shared) {
        const atHand = shared.getNow();
        if (atHand !== undefined) return assembled(atHand);
        return shared.get().then(({ credential }) => (credential ? assembled(credential) : null));
      }
      return sessions!
        .mint(
          session.sessionId,
          session.user === undefined ? undefined : userHandle(deps.userHandleKey, session.user),
        )
        .then((credential) => (credential ? assembled(credential) : null));
    },
    release: (session) => sessions?.release(session.sessionId),
    health: () => caller.health(),
    close: () => {
      shared?.close();
      sessions?.close();
      caller.close();
    },
  };
}

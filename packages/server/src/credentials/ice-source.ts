/**
 * What the signaling layer asks for: the ICE configuration to hand a client. Implemented by the
 * credentials module (STUN list + provider + scope + cache + assembly).
 */
import { assembleIceServers, hasTurn, type IceConfig, type IceServer } from '@icelane/protocol';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createCredentialCache } from './cache.js';
import {
  iceSourceDefaults,
  validateIceSourceOptions,
  type IceSourceOptions,
} from './ice-source-options.js';
import type { ProviderName, TurnCredential } from './provider.js';
import { createProviderCaller } from './provider-caller.js';
import { createSessionCredentials } from './session-credentials.js';
import { lastCredentialMemo } from './shared-answer.js';
import { memoryStore, type CredentialStore } from './store.js';
import { userHandle, userHandleKey } from './user-handle.js';

export interface IceSession {
  /** Opaque id of the client session (never a peer id shown to others). */
  sessionId: string;
  /**
   * Who the client is, when its authorization said (a JWT's `sub`). Per-session credentials
   * carry only a keyed hash of it (`user-handle.ts`); a shared credential carries nothing.
   */
  user?: string;
}

/**
 * `ok`: TURN credentials are being handed out. `degraded`: the provider is failing and answers are
 * stale or STUN-only. `misconfigured`: the provider refused our credentials (401/403).
 * `none`: no TURN provider is configured (STUN only by choice).
 */
export type ProviderState = 'ok' | 'degraded' | 'misconfigured' | 'none';

export interface ProviderHealth {
  provider: ProviderName | null;
  state: ProviderState;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  /** A short, secret-free description of the last failure. */
  lastError: string | null;
}

export interface IceSource {
  /**
   * The ICE configuration for a session. Never rejects and never waits longer than the configured
   * join timeout: when no usable TURN credential is at hand, it answers STUN-only (`turn: false`).
   * Answers from one credential share their `iceServers` list: read it, never modify it.
   */
  iceFor(session: IceSession): Promise<IceConfig>;
  /** The session ended: revoke its per-session credential where the provider allows. */
  release(session: IceSession): void;
  health(): ProviderHealth;
  /** Stops background refreshes and pending timers. */
  close(): Promise<void>;
}

export { iceSourceDefaults, type IceSourceOptions } from './ice-source-options.js';

export interface IceSourceDeps {
  logger: Logger;
  metrics: Metrics;
  /** Where the shared credential lives; memory by default, Redis for several nodes. */
  store?: CredentialStore;
  now?: () => number;
  /** Backoff jitter. */
  random?: () => number;
  /** The key of user handles in credentials; random per process unless given. */
  userHandleKey?: string;
}

/**
 * Builds the {@link IceSource} the signaling layer asks on join and on `ice:refresh`.
 * Throws at start-up on a configuration that cannot work (malformed STUN URL, relay policy
 * without a provider, a TTL shorter than the minimum remaining life).
 *
 * @example
 * const ice = createIceSource(
 *   { provider: createCloudflareProvider({ keyId, apiToken }) },
 *   { logger, metrics },
 * );
 * const config = await ice.iceFor({ sessionId });
 */
export function createIceSource(
  options: Partial<IceSourceOptions>,
  deps: IceSourceDeps,
): IceSource {
  const o: IceSourceOptions = { ...iceSourceDefaults, ...options };
  validateIceSourceOptions(o);
  const { logger, metrics } = deps;
  const now = deps.now ?? (() => Date.now());
  const provider = o.provider;
  const stun: IceServer[] = o.stunUrls.length > 0 ? [{ urls: [...o.stunUrls] }] : [];
  const stunOnly = assembleIceServers(stun, { maxUrls: o.maxUrls }).iceServers;
  // Outside `iceServers` and its cap: only the network check uses them.
  const probe = o.stunProbeUrls.length > 0 ? { stunProbe: [...o.stunProbeUrls] } : {};

  if (!provider) {
    return {
      iceFor: () =>
        Promise.resolve({
          iceServers: stunOnly,
          expiresAt: null,
          turn: false,
          policy: o.policy,
          ...probe,
        }),
      release: () => {},
      health: () => ({
        provider: null,
        state: 'none',
        consecutiveFailures: 0,
        lastSuccessAt: null,
        lastError: null,
      }),
      close: () => Promise.resolve(),
    };
  }

  for (const secret of provider.secrets) logger.redact(secret);
  const onMinted = (credential: TurnCredential) => {
    for (const server of credential.iceServers) {
      if (server.credential) logger.redact(server.credential);
    }
  };
  const caller = createProviderCaller(
    provider,
    { logger, metrics, now, random: deps.random ?? Math.random },
    { mintTimeoutMs: o.mintTimeoutMs, backoff: o.backoff },
  );
  const scope = o.scope ?? provider.defaultScope;
  const handleKey = deps.userHandleKey ?? userHandleKey();
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
  const assemble = (credential: TurnCredential): { iceServers: IceServer[]; turn: boolean } => {
    const { iceServers, dropped } = assembleIceServers([...stun, ...credential.iceServers], {
      maxUrls: o.maxUrls,
    });
    const turn = hasTurn(iceServers);
    if (!turn && !warned.has(credential)) {
      warned.add(credential);
      logger.warn('no usable TURN URL in the minted credential', {
        provider: provider.name,
        dropped: dropped.map(({ url, reason }) => ({ url, reason })),
      });
    }
    return { iceServers, turn };
  };
  // A per-session credential serves one join: there is nothing to reuse.
  const assembled = shared ? lastCredentialMemo(assemble) : assemble;
  const answer = (credential: TurnCredential | null): IceConfig => {
    const usable = credential ? assembled(credential) : null;
    if (!credential || !usable?.turn) {
      metrics.stunOnlyAnswers.inc();
      return { iceServers: stunOnly, expiresAt: null, turn: false, policy: o.policy, ...probe };
    }
    return {
      iceServers: usable.iceServers,
      expiresAt: credential.expiresAt,
      turn: true,
      policy: o.policy,
      ...probe,
    };
  };

  return {
    async iceFor(session) {
      const credential = shared
        ? (await shared.get()).credential
        : await sessions!.mint(
            session.sessionId,
            session.user === undefined ? undefined : userHandle(handleKey, session.user),
          );
      return answer(credential);
    },
    release: (session) => sessions?.release(session.sessionId),
    health: () => caller.health(),
    close: () => {
      shared?.close();
      sessions?.close();
      caller.close();
      return Promise.resolve();
    },
  };
}

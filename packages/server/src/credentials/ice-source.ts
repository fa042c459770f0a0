/**
 * What the signaling layer asks for: the ICE configuration to hand a client. Implemented by the
 * credentials module: the STUN list, then TURN from the first provider of the failover list that
 * has a usable answer (provider-source.ts, failover.ts), assembled and capped.
 */
import { assembleIceServers, type IceConfig, type IceServer } from '@icelane/protocol';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { zeroProviderSeries } from '../observability/known-series.js';
import { createFailover, type Failover, type ServedTurn } from './failover.js';
import type { IceSession } from './ice-session.js';
import {
  iceSourceDefaults,
  validateIceSourceOptions,
  type IceSourceOptions,
} from './ice-source-options.js';
import type { ProviderHealth } from './provider-health.js';
import type { ProviderName } from './provider.js';
import { createProviderSource } from './provider-source.js';
import type { CredentialStore } from './store.js';
import { ipv4OnlyWarning } from './ipv4-only-warning.js';
import { checkUserHandleKey, userHandleKey } from './user-handle.js';

export interface IceSource {
  /**
   * The ICE configuration for a session. Never rejects and never waits longer than the configured
   * join timeout per provider it asks: when no provider has a usable TURN credential at hand, it
   * answers STUN-only (`turn: false`).
   * Answers from one credential share their `iceServers` list: read it, never modify it.
   */
  iceFor(session: IceSession): Promise<IceConfig>;
  /** The session ended: revoke its per-session credential where the provider allows. */
  release(session: IceSession): void;
  /**
   * The provider whose TURN servers the session was last handed (with a failover list, joins
   * may be served by different providers); `null` when none. Optional for other implementations:
   * callers then take `health().provider`.
   */
  providerFor?(session: IceSession): ProviderName | null;
  health(): ProviderHealth;
  /** What the configuration will cost some clients (see ipv4-only-warning.ts), for `/readyz`. */
  warnings?(): string[];
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
  /** The key of user handles in credentials (`ICELANE_USER_HANDLE_KEY`); random per process
   * unless given, so handles then change at each restart and differ between nodes. */
  userHandleKey?: string;
}

type AnswerAtHand = (session: IceSession) => IceConfig | Promise<IceConfig>;

/** The answer at hand behind each `iceFor` that createIceSource made. */
const answersAtHand = new WeakMap<IceSource['iceFor'], AnswerAtHand>();

/**
 * `source.iceFor(session)`'s answer, as a value rather than a promise when it is at hand (a
 * shared credential in this node's memory, or no provider): a join then waits for nothing. Only
 * an `iceFor` that createIceSource made has one; any other (an app's own source, or one that
 * wrapped icelane's `iceFor` to add or filter servers) is asked as it is, so a join never skips
 * what the app put there.
 */
export function iceAtHand(source: IceSource, session: IceSession): IceConfig | Promise<IceConfig> {
  const atHand = answersAtHand.get(source.iceFor);
  return atHand ? atHand(session) : Promise.resolve(source.iceFor(session));
}

/**
 * Builds the {@link IceSource} the signaling layer asks on join and on `ice:refresh`.
 * Throws at start-up on a configuration that cannot work (malformed STUN URL, relay policy
 * without a provider, a TTL shorter than the minimum remaining life, two providers of one name).
 *
 * `fallbacks` are asked, in order, when `provider` has nothing usable (see failover.ts).
 *
 * @example
 * const ice = createIceSource(
 *   { provider: createCloudflareProvider({ keyId, apiToken }) },
 *   { logger, metrics },
 * );
 * const config = await ice.iceFor({ sessionId });
 *
 * // Cloudflare first; coturn for new joins while Cloudflare fails.
 * const withFailover = createIceSource(
 *   { provider: cloudflare, fallbacks: [coturn], breaker: { failureThreshold: 3, cooldownMs: 30_000 } },
 *   { logger, metrics },
 * );
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
  const stunProbe = o.stunProbeUrls.length > 0 ? [...o.stunProbeUrls] : null;
  // Built field by field: spreading an optional part into every answer cost more than the rest of
  // a join's ICE lookup.
  const answer = (iceServers: IceServer[], expiresAt: number | null, turn: boolean): IceConfig => {
    const config: IceConfig = { iceServers, expiresAt, turn, policy: o.policy };
    if (stunProbe) config.stunProbe = stunProbe;
    return config;
  };

  const providers = provider ? [provider, ...o.fallbacks] : [];
  const ipv4Only = ipv4OnlyWarning(o.stunUrls, providers);
  if (ipv4Only) logger.warn(ipv4Only);
  const warnings = () => (ipv4Only ? [ipv4Only] : []);

  if (!provider) {
    const stunOnlyNow = () => answer(stunOnly, null, false);
    const stunOnlyFor = () => Promise.resolve(stunOnlyNow());
    answersAtHand.set(stunOnlyFor, stunOnlyNow);
    return {
      warnings,
      iceFor: stunOnlyFor,
      release: () => {},
      providerFor: () => null,
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

  const handleKey = deps.userHandleKey ?? userHandleKey();
  checkUserHandleKey(handleKey);
  logger.redact(handleKey);
  const sources = providers.map((each) =>
    createProviderSource(each, o, {
      logger,
      metrics,
      now,
      random: deps.random ?? Math.random,
      store: deps.store,
      userHandleKey: handleKey,
      stun,
    }),
  );
  zeroProviderSeries(
    metrics,
    sources.map((source) => source.name),
  );
  const failover: Failover = createFailover(
    sources,
    { breaker: o.breaker, maxSessions: o.maxRevocableSessions },
    { logger, metrics, now },
  );

  const configFor = (served: ServedTurn | null): IceConfig => {
    if (!served) {
      metrics.stunOnlyAnswers.inc();
      return answer(stunOnly, null, false);
    }
    return answer(served.iceServers, served.expiresAt, true);
  };
  const iceForNow = (session: IceSession): IceConfig | Promise<IceConfig> => {
    const served = failover.turnFor(session);
    return served instanceof Promise ? served.then(configFor) : configFor(served);
  };

  // `async`: a fault below becomes a rejection, as the promise-only contract always had it.
  const iceFor = async (session: IceSession) => iceForNow(session);
  answersAtHand.set(iceFor, iceForNow);
  return {
    iceFor,
    release: (session) => failover.release(session),
    providerFor: (session) => failover.providerFor(session),
    health: () => failover.health(),
    warnings,
    close: () => {
      failover.close();
      return Promise.resolve();
    },
  };
}

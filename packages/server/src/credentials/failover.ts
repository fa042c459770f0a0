/**
 * An ordered list of TURN providers: each join gets the first that answers with usable TURN
 * servers. Every provider but the last has a circuit breaker (breaker.ts): once it has failed
 * `failureThreshold` joins in a row, joins skip it; after the cool-down a probe in the background
 * asks it again, and when that succeeds joins come back to it. The last provider has no breaker:
 * with nothing after it, it is always asked, bounded by its own backoff as a single provider is.
 *
 * A shared credential still within its life is usable: during a provider's outage (5xx,
 * timeouts) its cached credential keeps being served, and joins move on only once nothing usable
 * is left. A provider that refuses our credentials (401/403) is passed over at once, even with a
 * cached credential: the refusal may have revoked what it minted.
 *
 * Per-session credentials are remembered by the provider that minted them, which revokes them
 * when their session ends, whichever provider serves by then.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createBreaker, type Breaker, type BreakerOptions, type BreakerState } from './breaker.js';
import type { IceSession } from './ice-session.js';
import type { ProviderHealth } from './provider-health.js';
import type { ProviderName } from './provider.js';
import type { ProviderSource, TurnPart } from './provider-source.js';

/** A TURN answer and the provider it came from. */
export interface ServedTurn extends TurnPart {
  provider: ProviderName;
}

export interface Failover {
  /**
   * The first usable answer down the list, or `null` (STUN-only). Never rejects. A promise only
   * when a provider's answer had to be waited for.
   */
  turnFor(session: IceSession): ServedTurn | null | Promise<ServedTurn | null>;
  /** Every provider forgets the session, revoking what it minted for it. */
  release(session: IceSession): void;
  /** The provider whose TURN servers the session was last handed, if any. */
  providerFor(session: IceSession): ProviderName | null;
  /** The health of the provider new joins go to first, and with several, of each of them. */
  health(): ProviderHealth;
  close(): void;
}

export interface FailoverDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => number;
}

export interface FailoverOptions {
  breaker: BreakerOptions;
  /** Sessions whose provider is remembered for {@link Failover.providerFor}; past it, the oldest
   * is forgotten. */
  maxSessions: number;
}

const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createFailover(
  sources: readonly ProviderSource[],
  options: FailoverOptions,
  deps: FailoverDeps,
): Failover {
  const { logger, metrics, now } = deps;
  const last = sources.length - 1;
  let closed = false;
  // Index of the provider new joins ask first: the first with a closed breaker, else the last.
  let serving = 0;

  const reconsider = () => {
    const admitting = breakers.findIndex((breaker) => breaker.admits());
    const next = admitting === -1 ? last : admitting;
    if (next === serving) return;
    const from = sources[serving]!.name;
    const to = sources[next]!.name;
    metrics.turnFailovers.inc({ from, to });
    metrics.turnProviderServing.set({ provider: from }, 0);
    metrics.turnProviderServing.set({ provider: to }, 1);
    if (next > serving) {
      logger.warn('turn provider failover: new joins go to the next provider', { from, to });
    } else {
      logger.info('turn provider recovered: new joins go back to it', { from, to });
    }
    serving = next;
  };

  const breakers: Breaker[] = sources.slice(0, last).map((source) =>
    createBreaker(
      {
        now,
        onTransition: (_from, to) => {
          metrics.turnBreakerState.set({ provider: source.name }, BREAKER_GAUGE[to]);
          reconsider();
        },
      },
      options.breaker,
    ),
  );
  for (const [index, source] of sources.entries()) {
    metrics.turnProviderServing.set({ provider: source.name }, index === 0 ? 1 : 0);
    if (index < last) metrics.turnBreakerState.set({ provider: source.name }, 0);
  }

  // Multi-provider only: with one, every answer with TURN comes from it.
  const servedBy = new Map<string, ProviderName>();
  const remember = (sessionId: string, provider: ProviderName) => {
    if (sources.length === 1) return;
    servedBy.delete(sessionId);
    servedBy.set(sessionId, provider);
    if (servedBy.size > options.maxSessions) servedBy.delete(servedBy.keys().next().value!);
  };

  /** Usable from this provider: TURN servers, and not from one that refuses our credentials. */
  const usable = (index: number, part: TurnPart | null): part is TurnPart =>
    part !== null && (index === last || sources[index]!.health().state !== 'misconfigured');

  const probe = async (index: number) => {
    const source = sources[index]!;
    // Not a user's session: whatever it mints is released (revoked where it can be) at once.
    const session = { sessionId: `probe-${randomBytes(9).toString('base64url')}` };
    // `turnFor` never rejects; should a source break that promise, the probe simply failed.
    let part: TurnPart | null = null;
    try {
      part = await source.turnFor(session);
    } catch {
      // Left `null`: the probe failed.
    }
    source.release(session);
    if (closed) return;
    const ok = usable(index, part);
    logger.info('turn provider probed', { provider: source.name, ok });
    breakers[index]!.probeDone(ok);
  };

  /** What provider `index` answered: served when usable, else counted against its breaker. */
  const settle = (session: IceSession, index: number, part: TurnPart | null): ServedTurn | null => {
    const source = sources[index]!;
    const breaker = breakers[index];
    if (!usable(index, part)) {
      breaker?.failed();
      return null;
    }
    breaker?.succeeded();
    remember(session.sessionId, source.name);
    metrics.turnAnswers.inc({ provider: source.name });
    // Named fields: spreading `part` cost more than the rest of a join's ICE lookup.
    return { iceServers: part.iceServers, expiresAt: part.expiresAt, provider: source.name };
  };

  /** Down the list from `start`, waiting only where a provider's answer is a promise. */
  const turnFrom = (
    session: IceSession,
    start: number,
  ): ServedTurn | null | Promise<ServedTurn | null> => {
    for (let index = start; index < sources.length; index++) {
      const breaker = breakers[index];
      if (breaker && !breaker.admits()) {
        if (breaker.startProbe()) void probe(index);
        continue;
      }
      const part = sources[index]!.turnFor(session);
      if (part instanceof Promise) {
        return part.then(
          (answered) => settle(session, index, answered) ?? turnFrom(session, index + 1),
        );
      }
      const served = settle(session, index, part);
      if (served) return served;
    }
    return null;
  };

  return {
    turnFor: (session) => turnFrom(session, 0),

    release(session) {
      servedBy.delete(session.sessionId);
      for (const source of sources) source.release(session);
    },

    providerFor: (session) =>
      sources.length === 1 ? sources[0]!.name : (servedBy.get(session.sessionId) ?? null),

    health() {
      const first = sources[serving]!.health();
      if (sources.length === 1) return first;
      return {
        ...first,
        providers: sources.map((source, index) => ({
          ...source.health(),
          breaker: breakers[index]?.state() ?? 'closed',
        })),
      };
    },

    close() {
      closed = true;
      for (const source of sources) source.close();
    },
  };
}

/**
 * How a TURN provider is doing, as `/readyz` shows it. Its own file because three layers report
 * it (the provider caller measures it, the failover adds breakers, the ICE source hands it out):
 * declared in the top one, as it was, it made the lower ones import from above (a cycle).
 */
import type { BreakerState } from './breaker.js';
import type { ProviderName } from './provider.js';

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
  /** With a failover list (several providers): each of them, in order, with its breaker. */
  providers?: ProviderStatus[];
}

/** One provider of a failover list, as `/readyz` shows it. */
export type ProviderStatus = Omit<ProviderHealth, 'providers'> & { breaker: BreakerState };

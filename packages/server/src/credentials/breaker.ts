/**
 * The circuit breaker of one TURN provider in a failover list, as a small state machine over an
 * injected clock:
 *
 * - `closed`: joins ask the provider; `failureThreshold` failed answers in a row open it.
 * - `open`: joins skip it and go to the next provider. After `cooldownMs` one probe may ask it.
 * - `half-open`: that probe is asking; joins still skip it. Success closes the breaker (joins come
 *   back), failure opens it for another cool-down.
 *
 * The probe is the caller's business (it runs in the background, so no user's join waits on a
 * provider known to be failing); the breaker only says when one is due.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Failed answers in a row that open the breaker (`ICELANE_FAILOVER_THRESHOLD`). */
  failureThreshold: number;
  /** How long an open breaker is skipped before a probe asks again
   * (`ICELANE_FAILOVER_COOLDOWN_MS`). */
  cooldownMs: number;
}

export const breakerDefaults: BreakerOptions = {
  failureThreshold: 3,
  cooldownMs: 30_000,
};

export interface BreakerDeps {
  now: () => number;
  /** Every change of state, for metrics and logs. */
  onTransition?: (from: BreakerState, to: BreakerState) => void;
}

export interface Breaker {
  state(): BreakerState;
  /** Whether a join may ask the provider: only while closed. */
  admits(): boolean;
  /**
   * When the breaker is open and its cool-down is over: moves to half-open and answers true, once.
   * The caller then probes and reports with {@link probeDone}.
   */
  startProbe(): boolean;
  probeDone(ok: boolean): void;
  /** A join got a usable answer (even a late one): the provider works, the breaker closes. */
  succeeded(): void;
  /** A join got nothing usable. Counts only while closed: a late failure changes nothing. */
  failed(): void;
}

/** Throws on options that cannot work. */
export function validateBreakerOptions(o: BreakerOptions): void {
  if (!Number.isInteger(o.failureThreshold) || o.failureThreshold < 1) {
    throw new Error('failover: failureThreshold must be a positive integer');
  }
  if (!(o.cooldownMs > 0)) throw new Error('failover: cooldownMs must be positive');
}

export function createBreaker(deps: BreakerDeps, options: Partial<BreakerOptions> = {}): Breaker {
  const o: BreakerOptions = { ...breakerDefaults, ...options };
  validateBreakerOptions(o);
  const { now, onTransition } = deps;
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;

  const move = (to: BreakerState) => {
    const from = state;
    if (from === to) return;
    state = to;
    if (to === 'open') openedAt = now();
    if (to === 'closed') failures = 0;
    onTransition?.(from, to);
  };

  return {
    state: () => state,
    admits: () => state === 'closed',
    startProbe() {
      if (state !== 'open' || now() - openedAt < o.cooldownMs) return false;
      move('half-open');
      return true;
    },
    probeDone(ok) {
      if (state !== 'half-open') return;
      move(ok ? 'closed' : 'open');
    },
    succeeded() {
      failures = 0;
      move('closed');
    },
    failed() {
      if (state !== 'closed') return;
      failures++;
      if (failures >= o.failureThreshold) move('open');
    },
  };
}

/**
 * Capped exponential backoff with full jitter, as a pure function: the caller keeps the failure
 * count and the clock.
 */

export interface BackoffOptions {
  /** The delay ceiling after the first failure, and the floor of every delay. */
  baseMs: number;
  /** The ceiling never grows past this; `misconfigured` providers are retried at this pace. */
  maxMs: number;
  /** How much the ceiling grows per consecutive failure. */
  factor: number;
}

export const backoffDefaults: BackoffOptions = {
  baseMs: 1_000,
  maxMs: 60_000,
  factor: 2,
};

/** The ceiling of the delay after `failures` consecutive failures (1 = the first failure). */
export function backoffCeilingMs(
  failures: number,
  options: BackoffOptions = backoffDefaults,
): number {
  const { baseMs, maxMs, factor } = options;
  const exponent = Math.max(0, failures - 1);
  // Math.min before the power would overflow to Infinity on long outages.
  return Math.min(maxMs, baseMs * Math.pow(factor, Math.min(exponent, 64)));
}

/**
 * How long to wait before the next provider call after `failures` consecutive failures: a
 * uniform draw in `[0, ceiling]` ("full jitter", so nodes that failed together do not retry
 * together), never below `baseMs`, so an unlucky draw cannot turn into one call per join.
 *
 * @param random returns a number in `[0, 1)`; injectable so tests are deterministic.
 */
export function backoffDelayMs(
  failures: number,
  options: BackoffOptions = backoffDefaults,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const ceiling = backoffCeilingMs(failures, options);
  return Math.max(Math.min(options.baseMs, ceiling), Math.floor(random() * ceiling));
}

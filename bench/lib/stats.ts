/**
 * Median and p95 of a handful of samples. With ten calls, p95 by nearest rank is the slowest call:
 * said plainly rather than interpolated into a figure no call took.
 */

export interface Summary {
  n: number;
  medianMs: number;
  /** Nearest rank: the smallest sample with at least 95 % of the samples at or below it. */
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export function summarize(samples: readonly number[]): Summary | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const middle = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return {
    n,
    medianMs: Math.round(median),
    p95Ms: sorted[Math.ceil(0.95 * n) - 1]!,
    minMs: sorted[0]!,
    maxMs: sorted[n - 1]!,
  };
}

/** The numbers among `values` (a figure a call did not have is left out). */
export const numbers = (values: readonly (number | undefined)[]) =>
  values.filter((v): v is number => typeof v === 'number');

/** How many times each value was seen. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

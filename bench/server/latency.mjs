// Summaries of measured figures: durations in milliseconds, and the median of any.

/** The middle value of `values` (the upper of the two middle ones for an even count). */
export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The value below which `share` of the sorted samples fall (nearest rank). */
export function percentile(sorted, share) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(share * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p90, p99 and max of `samples`, rounded to hundredths of a millisecond. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

import type { Metrics } from '../../src/observability/metrics.js';

/** The sum of a metric's values whose labels include `labels` (0 when it has none yet). */
export async function metricSum(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))
    .reduce((sum, value) => sum + value.value, 0);
}

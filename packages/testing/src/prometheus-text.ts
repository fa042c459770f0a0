/** Reading the server's `/metrics` answer (Prometheus text format) in tests. */
import { parseMetricsText, sumOf } from '@icelane/protocol';

export { parseMetricsText, sumBy, sumOf, type MetricSample } from '@icelane/protocol';

/**
 * Sums a Prometheus counter over the series whose labels include every given pair, each matched
 * by its whole value (`relayed="true"` is not matched by `relayed="t"`).
 */
export function counterSum(
  metricsText: string,
  name: string,
  labels: Record<string, string>,
): number {
  return sumOf(parseMetricsText(metricsText), name, labels);
}

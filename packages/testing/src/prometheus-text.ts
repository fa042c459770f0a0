/** Reading the server's `/metrics` answer (Prometheus text format) in tests. */

/** Sums a Prometheus counter over the series whose labels include every given pair. */
export function counterSum(
  metricsText: string,
  name: string,
  labels: Record<string, string>,
): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) {
      sum += Number(match[3]);
    }
  }
  return sum;
}

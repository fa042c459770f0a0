/**
 * The server README's metrics table and the registry are held together, as the Grafana dashboard
 * is: an operator reads the table to know what each metric counts, so every `icelane_*` metric
 * `createMetrics` registers has its row, with its type and labels, and the table names no metric
 * the server does not export.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

const README = new URL('../../README.md', import.meta.url);

interface Row {
  type: string;
  labels: string[];
}

/** The rows of the table under `## Metrics`, one entry per metric named in a row's first cell. */
function documented(): Map<string, Row> {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('\n## Metrics\n'));
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `icelane_')) continue;
    const [names = '', type = '', labels = ''] = line
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    const row = { type, labels: [...labels.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort() };
    for (const [, name] of names.matchAll(/`(icelane_[a-z_]+)`/g)) rows.set(name!, row);
  }
  return rows;
}

function registered(): Map<string, Row> {
  const { registry } = createMetrics({ processMetrics: false });
  return new Map(
    registry
      .getMetricsAsArray()
      .filter((metric) => metric.name.startsWith('icelane_'))
      .map((metric) => [
        metric.name,
        {
          type: String(metric.type),
          // prom-client keeps a metric's declared label names on the instance, untyped.
          labels: [...(metric as unknown as { labelNames: string[] }).labelNames].sort(),
        },
      ]),
  );
}

describe("the server README's metrics table", () => {
  const table = documented();
  const metrics = registered();

  it('reads rows from the table', () => {
    expect(table.size).toBeGreaterThan(20);
  });

  it('has a row for every metric the server registers, with its type and labels', () => {
    for (const [name, metric] of metrics) {
      expect(table.get(name), `${name} in the README`).toEqual(metric);
    }
  });

  it('names no metric the server does not register', () => {
    expect([...table.keys()].filter((name) => !metrics.has(name))).toEqual([]);
  });
});

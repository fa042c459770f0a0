/**
 * The Grafana dashboard in docs/ and the metrics the server exports are held together: every
 * `icelane_*` name a panel queries is registered by `createMetrics`, and every label a query
 * filters, groups or names a series by is one of that metric's labels. A renamed metric or label
 * fails here instead of leaving an empty panel in someone's Grafana.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

const DASHBOARD = new URL('../../../../docs/grafana-dashboard.json', import.meta.url);

interface Target {
  expr?: string;
  legendFormat?: string;
}
interface Panel {
  title: string;
  type: string;
  targets?: Target[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);
}
const queryPanels = panelsOf(dashboard.panels).filter((panel) => panel.type !== 'row');
const targets = queryPanels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })),
);

/** What the server registers: each metric's type and labels. */
function exported(): Map<string, { type: string; labels: string[] }> {
  const { registry } = createMetrics({ processMetrics: false });
  return new Map(
    registry.getMetricsAsArray().map((metric) => [
      metric.name,
      {
        type: String(metric.type),
        // prom-client keeps a metric's declared label names on the instance, untyped.
        labels: (metric as unknown as { labelNames: string[] }).labelNames,
      },
    ]),
  );
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The registered metric a name in a query reads, or `undefined` when there is none. */
function resolve(metrics: ReturnType<typeof exported>, name: string) {
  const direct = metrics.get(name);
  if (direct) return { name, ...direct, series: 'value' };
  const suffix = HISTOGRAM_SERIES.exec(name);
  if (!suffix) return undefined;
  const base = metrics.get(name.slice(0, suffix.index));
  return base?.type === 'histogram' ? { name, ...base, series: suffix[1]! } : undefined;
}

/** Every label a query names: in matchers `{a="b"}`, in `by (…)`/`without (…)`, in the legend. */
function labelsNamed(expr: string, legendFormat = ''): string[] {
  const names = new Set<string>();
  for (const [, matchers] of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const [, label] of matchers!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) names.add(label!);
  }
  for (const [, list] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const label of list!.split(',')) if (label.trim()) names.add(label.trim());
  }
  for (const [, label] of legendFormat.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) names.add(label!);
  return [...names];
}

describe('the Grafana dashboard in docs/', () => {
  const metrics = exported();

  it('gives every panel at least one query', () => {
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(
        panel.targets?.some((t) => t.expr?.trim()),
        panel.title,
      ).toBe(true);
    }
  });

  it('queries only metric names the server registers', () => {
    const unknown: string[] = [];
    for (const target of targets) {
      for (const [name] of target.expr!.matchAll(/\bicelane_\w+/g)) {
        if (!resolve(metrics, name)) unknown.push(`${target.panel}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("names only labels the queried metrics carry (and `le` only on a histogram's buckets)", () => {
    const wrong: string[] = [];
    for (const target of targets) {
      // Unknown names fail the test above; here only the labels of known ones are checked.
      const read = [...target.expr!.matchAll(/\bicelane_\w+/g)].flatMap(
        ([name]) => resolve(metrics, name) ?? [],
      );
      for (const label of labelsNamed(target.expr!, target.legendFormat)) {
        for (const metric of read) {
          const carried =
            metric.labels.includes(label) || (label === 'le' && metric.series === 'bucket');
          if (!carried) wrong.push(`${target.panel}: ${metric.name} has no label ${label}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('shows the figures operators asked for: relay share, bytes relayed, connect time, fallbacks, recoveries', () => {
    const queried = new Set(
      targets.flatMap((t) => [...t.expr!.matchAll(/\bicelane_\w+/g)].map(([name]) => name)),
    );
    for (const name of [
      'icelane_connections_total',
      'icelane_relay_bytes_total',
      'icelane_relayed_seconds_total',
      'icelane_time_to_connect_seconds_bucket',
      'icelane_relay_fallbacks_total',
      'icelane_recoveries_total',
      'icelane_connections_ended_total',
    ]) {
      expect(queried, name).toContain(name);
    }
  });
});

/**
 * The PromQL an operator is given, read from where they read it: every query of the Grafana
 * dashboard in docs/ and every expression of the server README's `promql` blocks. A test that
 * runs them from here checks what operators run, not a copy that could drift.
 */
import { readFileSync } from 'node:fs';
import type { Sample } from './prometheus.js';

/** One query of a dashboard panel: the panel's title, the expression, its legend template. */
export interface DashboardQuery {
  panel: string;
  expr: string;
  legendFormat: string;
}

/** One expression of the README, named by the comment line above it. */
export interface ReadmeQuery {
  comment: string;
  expr: string;
}

interface Panel {
  title: string;
  targets?: Array<{ expr?: string; legendFormat?: string }>;
  panels?: Panel[];
}

const DASHBOARD = new URL('../../docs/grafana-dashboard.json', import.meta.url);
const SERVER_README = new URL('../../packages/server/README.md', import.meta.url);

export function dashboardQueries(): DashboardQuery[] {
  const flat = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...flat(p.panels ?? [])]);
  const { panels } = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return flat(panels).flatMap((panel) =>
    (panel.targets ?? []).flatMap((t) =>
      t.expr ? [{ panel: panel.title, expr: t.expr, legendFormat: t.legendFormat ?? '' }] : [],
    ),
  );
}

export function readmeQueries(): ReadmeQuery[] {
  const text = readFileSync(SERVER_README, 'utf8');
  const queries: ReadmeQuery[] = [];
  for (const [, block] of text.matchAll(/```promql\n([\s\S]*?)```/g)) {
    let comment = '';
    for (const line of block!.split('\n').map((l) => l.trim())) {
      if (line.startsWith('#')) comment = line.slice(1).trim();
      else if (line) queries.push({ comment, expr: line });
    }
  }
  return queries;
}

/**
 * A Grafana template's variables as a test sets them: both `$__rate_interval` and `$__range`
 * span `windowSeconds`, so a `rate()` is a count over that window divided by it.
 */
export function withWindow(expr: string, windowSeconds: number): string {
  return expr
    .replaceAll('$__rate_interval', `${windowSeconds}s`)
    .replaceAll('$__range', `${windowSeconds}s`);
}

/**
 * Each series under the name Grafana would give it: the legend template with `{{label}}` filled
 * in; without a template, the series' label values in label-name order.
 */
export function byLegend(samples: readonly Sample[], legendFormat = ''): Map<string, number> {
  const named = new Map<string, number>();
  for (const { metric, value } of samples) {
    const name = legendFormat
      ? legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label: string) => metric[label] ?? '')
      : Object.keys(metric)
          .sort()
          .map((label) => metric[label])
          .join(' ');
    if (named.has(name)) throw new Error(`two series are named "${name}" by ${legendFormat}`);
    named.set(name, value);
  }
  return named;
}

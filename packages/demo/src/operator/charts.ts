/**
 * The operator view's pictures, in plain DOM: a line over time (SVG), horizontal bars and the
 * columns of a histogram (HTML, sized in percent). Each element carries its figures in `data-*`
 * attributes, so a test reads what is drawn.
 */
import { h } from '../dom.js';
import { sparklinePoints } from '../sparkline.js';

const SVG = 'http://www.w3.org/2000/svg';

export interface LineChartOptions {
  width: number;
  height: number;
  /** Points drawn, the latest; older ones scroll off to the left. */
  samples: number;
  label: string;
}

export const lineChartDefaults: LineChartOptions = {
  width: 320,
  height: 80,
  samples: 150,
  label: 'over time',
};

export interface LineChart {
  element: SVGSVGElement;
  /** Values oldest first; scaled to their own maximum, or to at least `floor` (e.g. 1 for 100 %). */
  update(values: number[], floor?: number): void;
}

export function createLineChart(options: Partial<LineChartOptions> = {}): LineChart {
  const o = { ...lineChartDefaults, ...options };
  const element = document.createElementNS(SVG, 'svg');
  element.setAttribute('viewBox', `0 0 ${o.width} ${o.height}`);
  element.setAttribute('class', 'line-chart');
  element.setAttribute('role', 'img');
  element.setAttribute('preserveAspectRatio', 'none');
  element.setAttribute('aria-label', o.label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  element.append(line);
  return {
    element,
    update(values, floor = 0) {
      // sparklinePoints scales to max(values, 1): a floor above that keeps a fixed scale.
      const scale = Math.max(floor, ...values, Number.MIN_VALUE);
      const scaled = values.map((value) => value / scale);
      // Until the chart is full, the points drawn spread over its whole width.
      const samples = Math.min(o.samples, Math.max(values.length, 2));
      line.setAttribute('points', sparklinePoints(scaled, { ...o, samples }));
      element.dataset.samples = String(values.length);
      element.dataset.last = String(values[values.length - 1] ?? '');
      element.dataset.max = String(Math.max(0, ...values));
    },
  };
}

export interface BarRow {
  label: string;
  value: number;
  /** The value as a person reads it. */
  text: string;
  /** A CSS class for the bar, e.g. `relayed`. */
  kind?: string;
}

/** Horizontal bars, each as long as its share of the largest. */
export function renderBars(container: HTMLElement, rows: readonly BarRow[], empty: string): void {
  const max = Math.max(0, ...rows.map((row) => row.value));
  container.replaceChildren(
    ...(rows.length === 0
      ? [h('p', { class: 'muted' }, empty)]
      : rows.map((row) =>
          h(
            'div',
            { class: 'bar-row', 'data-label': row.label, 'data-value': String(row.value) },
            h('span', { class: 'bar-label' }, row.label),
            h(
              'span',
              { class: 'bar-track' },
              h('span', {
                class: `bar ${row.kind ?? ''}`.trim(),
                style: `width: ${max > 0 ? (row.value / max) * 100 : 0}%`,
              }),
            ),
            h('span', { class: 'bar-text' }, row.text),
          ),
        )),
  );
}

export interface Column {
  /** Under the column, e.g. `≤ 0.5 s`. */
  label: string;
  value: number;
}

/** Vertical columns, each as high as its share of the largest: a histogram's buckets. */
export function renderColumns(container: HTMLElement, columns: readonly Column[]): void {
  const max = Math.max(0, ...columns.map((column) => column.value));
  container.replaceChildren(
    ...columns.map((column) =>
      h(
        'div',
        { class: 'column', 'data-label': column.label, 'data-value': String(column.value) },
        h('span', { class: 'column-value' }, String(column.value)),
        h(
          'span',
          { class: 'column-track' },
          h('span', {
            class: 'column-bar',
            style: `height: ${max > 0 ? (column.value / max) * 100 : 0}%`,
          }),
        ),
        h('span', { class: 'column-label' }, column.label),
      ),
    ),
  );
}

/** Bytes as a person reads them: "812 B", "4.1 MB", "2.30 GB" (powers of 1000, as bills are). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

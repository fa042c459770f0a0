/**
 * The operator view: the server's own figures, polled from its `/metrics` (totals since it
 * started) and `/history` (its recent records, with their times) on the same origin, so the same
 * access rules, every few seconds. The history is read on open, so calls made before the page was
 * opened are drawn too. Published as `window.__operator` for tests.
 */
import type { CallHistory } from '@icelane/protocol';
import { parseMetricsText } from '@icelane/protocol';
import { readFigures } from './figures.js';
import { connectQuantiles } from './history.js';
import type { OperatorState } from './operator-state.js';
import { createOperatorRender } from './render.js';

export interface OperatorOptions {
  /** How often `/metrics` and `/history` are read. */
  pollMs: number;
  /** Where the figures are, relative to the page. */
  metricsPath: string;
  historyPath: string;
}

export const operatorDefaults: OperatorOptions = {
  pollMs: 2_000,
  metricsPath: '/metrics',
  historyPath: '/history',
};

const state: OperatorState = {
  figures: null,
  history: null,
  quantiles: null,
  polls: 0,
  lastPollAt: null,
  error: null,
};
window.__operator = state;

async function read(path: string): Promise<Response> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response;
}

async function poll(options: OperatorOptions): Promise<void> {
  try {
    const [metrics, history] = await Promise.all([
      read(options.metricsPath).then(async (r) => parseMetricsText(await r.text())),
      read(options.historyPath).then(async (r) => (await r.json()) as CallHistory),
    ]);
    const figures = readFigures(metrics);
    state.figures = figures;
    state.history = history;
    // The history keeps each side's own time; an empty one (no call yet) leaves the estimate.
    const recorded = connectQuantiles(history.connections);
    state.quantiles =
      recorded.count > 0
        ? { ...recorded, exact: true }
        : {
            count: figures.connectTime.count,
            p50Ms: seconds(figures.connectTime.p50Seconds),
            p95Ms: seconds(figures.connectTime.p95Seconds),
            exact: false,
          };
    state.polls++;
    state.lastPollAt = Date.now();
    state.error = null;
  } catch (error) {
    state.error = `Cannot read the server's figures: ${(error as Error).message}`;
  }
  render(state, options.pollMs);
}

function seconds(value: number | null): number | null {
  return value === null ? null : value * 1000;
}

const every = Number(new URL(location.href).searchParams.get('every'));
const options = { ...operatorDefaults, pollMs: every >= 250 ? every : operatorDefaults.pollMs };
const render = createOperatorRender();
void poll(options);
setInterval(() => void poll(options), options.pollMs);

/**
 * The operator view: the server's own figures, polled from its `/metrics` (totals since it
 * started) and `/history` (its recent records, with their times) on the same origin, so the same
 * access rules: the metrics every few seconds, the history on open (so calls made before the page
 * was opened are drawn too) and again when the metrics counted a report since. Published as
 * `window.__operator` for tests.
 */
import type { CallHistory } from '@icelane/protocol';
import { parseMetricsText } from '@icelane/protocol';
import { readFigures } from './figures.js';
import { connectQuantiles, historyCounted } from './history.js';
import type { OperatorState } from './operator-state.js';
import { createOperatorRender } from './render.js';

export interface OperatorOptions {
  /** How often `/metrics` is read, and `/history` when the metrics say it has new records. */
  pollMs: number;
  /** `/history` is read at least this often all the same: a restarted server may count the same. */
  historyRefreshMs: number;
  /** Where the figures are, relative to the page. */
  metricsPath: string;
  historyPath: string;
}

export const operatorDefaults: OperatorOptions = {
  pollMs: 2_000,
  historyRefreshMs: 30_000,
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

/** The latest `/history` read, what the metrics counted then, and when (this page's clock). */
let lastHistory: { history: CallHistory; counted: string; readAt: number } | null = null;

async function poll(options: OperatorOptions): Promise<void> {
  try {
    const metrics = parseMetricsText(await (await read(options.metricsPath)).text());
    const figures = readFigures(metrics);
    // Up to some 225 kB: read again only when the metrics counted a report since (read after
    // them, it holds at least what they counted), or when it is old.
    const counted = historyCounted(figures);
    const now = Date.now();
    if (
      !lastHistory ||
      lastHistory.counted !== counted ||
      now - lastHistory.readAt >= options.historyRefreshMs
    ) {
      const history = (await (await read(options.historyPath)).json()) as CallHistory;
      lastHistory = { history, counted, readAt: Date.now() };
    }
    const history = {
      ...lastHistory.history,
      // The server's clock now, as the charts' right edge.
      now: lastHistory.history.now + (Date.now() - lastHistory.readAt),
    };
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

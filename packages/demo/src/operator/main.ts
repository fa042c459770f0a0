/**
 * The operator view: the server's own figures, polled from its `/metrics` (the same origin, so the
 * same access rules) every few seconds and drawn as the relay share over time, the bytes relayed,
 * the connect-time histogram and the candidate types. Published as `window.__operator` for tests.
 */
import { byId, formatDuration } from '../dom.js';
import { createLineChart, formatBytes, renderBars, renderColumns } from './charts.js';
import { readFigures } from './figures.js';
import { parseMetricsText } from '@icelane/protocol';
import type { OperatorState } from './operator-state.js';
import { appendPoint, relayRate, trendPoint } from './trend.js';

export interface OperatorOptions {
  /** How often `/metrics` is read. */
  pollMs: number;
  /** Where the metrics are, relative to the page. */
  metricsPath: string;
}

export const operatorDefaults: OperatorOptions = { pollMs: 2_000, metricsPath: '/metrics' };

const state: OperatorState = { figures: null, points: [], polls: 0, lastPollAt: null, error: null };
window.__operator = state;

const shareChart = createLineChart({ label: 'Relay share over time' });
const rateChart = createLineChart({ label: 'Bytes relayed per second over time' });
byId('share-chart').append(shareChart.element);
byId('rate-chart').append(rateChart.element);

async function poll(path: string): Promise<void> {
  try {
    const response = await fetch(path, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    const figures = readFigures(parseMetricsText(await response.text()));
    const at = Date.now();
    state.figures = figures;
    state.points = appendPoint(state.points, trendPoint(at, figures));
    state.polls++;
    state.lastPollAt = at;
    state.error = null;
  } catch (error) {
    state.error = `Cannot read the server's figures: ${(error as Error).message}`;
  }
  render();
}

function render(): void {
  const status = byId('operator-status');
  status.dataset.polls = String(state.polls);
  status.textContent = state.error
    ? state.error
    : state.lastPollAt
      ? `From this server's /metrics, read ${new Date(state.lastPollAt).toLocaleTimeString()}`
      : 'Reading /metrics…';
  status.classList.toggle('error-text', state.error !== null);
  const f = state.figures;
  if (!f) return;

  const { total, relayed } = f.connections;
  const share = byId('relay-share');
  share.dataset.relayed = String(relayed);
  share.dataset.total = String(total);
  share.textContent = total > 0 ? `${Math.round((relayed / total) * 100)} %` : '—';
  // Each side of a call reports its connection: a two-person call counts twice.
  byId('relay-share-detail').textContent =
    `${relayed} of ${total} call sides relayed (each side of a call reports its own ` +
    `connection: a two-person call counts twice)`;
  shareChart.update(
    state.points.map((p) => p.relayShare ?? 0),
    1,
  );

  const bytes = byId('relay-bytes');
  bytes.dataset.sent = String(f.relayBytes.sent);
  bytes.dataset.received = String(f.relayBytes.received);
  bytes.textContent = formatBytes(f.relayBytes.sent + f.relayBytes.received);
  byId('relay-bytes-detail').textContent =
    `${formatBytes(f.relayBytes.sent)} sent, ${formatBytes(f.relayBytes.received)} received · ` +
    `${formatDuration(f.relayedSeconds * 1000)} relayed, summed over each side's own ` +
    `allocation (a call relayed on both sides counts twice, as both are billed)`;
  const rates = relayRate(state.points).map((p) => p.value);
  rateChart.update(rates);
  byId('rate-axis').textContent =
    `Up: bytes relayed per second between reads, 0 to ${formatBytes(Math.max(0, ...rates))}/s. ` +
    `Across: a read every ${pollMs / 1000} s since this page opened.`;
  renderBars(
    byId('relay-routes'),
    f.relayBytes.byRoute.map((route) => ({
      label: `${route.provider} / ${route.relayProtocol}`,
      value: route.bytes,
      text: formatBytes(route.bytes),
      kind: 'relayed',
    })),
    'No relayed bytes reported yet.',
  );

  const time = f.connectTime;
  renderColumns(
    byId('connect-histogram'),
    time.buckets.map((bucket) => ({
      label:
        bucket.le === Infinity
          ? `>${time.buckets[time.buckets.length - 2]?.le ?? 0}s`
          : `≤${bucket.le}s`,
      value: bucket.count,
    })),
  );
  const quantiles = byId('connect-quantiles');
  quantiles.dataset.p50 = String(time.p50Seconds ?? '');
  quantiles.dataset.p90 = String(time.p90Seconds ?? '');
  quantiles.textContent =
    time.p50Seconds === null
      ? 'No connections reported yet.'
      : `median ≈ ${formatDuration(time.p50Seconds * 1000)} · p90 ≈ ${formatDuration(
          (time.p90Seconds ?? 0) * 1000,
        )} (estimates from the buckets, as PromQL's histogram_quantile) · ` +
        `${time.count} call sides`;

  renderBars(
    byId('candidate-types'),
    f.candidatePairs.map((pair) => ({
      label: `${pair.local} → ${pair.remote}`,
      value: pair.count,
      text: String(pair.count),
      kind: pair.local === 'relay' || pair.remote === 'relay' ? 'relayed' : 'direct',
    })),
    'No connections reported yet.',
  );
  byId('healing').textContent =
    `${f.fallbacks} fallbacks to relay · ${f.recoveries.recovered} calls healed · ` +
    `${f.recoveries.failed} not healed`;
}

const every = Number(new URL(location.href).searchParams.get('every'));
const pollMs = every >= 250 ? every : operatorDefaults.pollMs;
void poll(operatorDefaults.metricsPath);
setInterval(() => void poll(operatorDefaults.metricsPath), pollMs);

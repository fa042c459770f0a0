/**
 * Draws the operator view's state into operator.html: totals from `/metrics`, the charts and the
 * connect-time quantiles from `/history`.
 */
import { byId, formatDuration, setText } from '../dom.js';
import { createLineChart, formatBytes, renderBars, renderColumns } from './charts.js';
import { relayRateBins, relayShareBySide } from './history.js';
import type { OperatorFigures } from './figures.js';
import type { OperatorState } from './operator-state.js';

/** What the charts draw: every side the server keeps by default (500), an hour in 60 steps or so. */
export const chartDefaults = { sides: 500, rateBins: 60 } as const;

export function createOperatorRender(): (state: OperatorState, pollMs: number) => void {
  const shareChart = createLineChart({
    label: 'Relay share by call side, oldest first',
    samples: chartDefaults.sides,
  });
  const rateChart = createLineChart({
    label: 'Bytes relayed per second over time',
    samples: chartDefaults.rateBins,
  });
  byId('share-chart').append(shareChart.element);
  byId('rate-chart').append(rateChart.element);

  return (state, pollMs) => {
    renderStatus(state, pollMs);
    const f = state.figures;
    const history = state.history;
    if (!f || !history) return;

    renderSignaling(f);

    const { total, relayed } = f.connections;
    const share = byId('relay-share');
    share.dataset.relayed = String(relayed);
    share.dataset.total = String(total);
    setText(share, total > 0 ? `${Math.round((relayed / total) * 100)} %` : '—');
    // Each side of a call reports its connection: a two-person call counts twice.
    setText(
      byId('relay-share-detail'),
      `${relayed} of ${total} call sides relayed since the server started (each side of a call ` +
        `reports its own connection: a two-person call counts twice)`,
    );
    const sides = history.connections.slice(-chartDefaults.sides);
    shareChart.update(relayShareBySide(sides), 1);
    setText(
      byId('share-axis'),
      sides.length === 0
        ? 'No call sides in the server’s history yet.'
        : `Up: 0–100 %, the share relayed of the sides up to each. Across: each call side as ` +
            `it connected, ${sides.length} from ${clock(sides[0]!.at)}` +
            (history.dropped.connections > 0 ? ` (the latest the server keeps)` : '') +
            '.',
    );

    const bytes = byId('relay-bytes');
    bytes.dataset.sent = String(f.relayBytes.sent);
    bytes.dataset.received = String(f.relayBytes.received);
    setText(bytes, formatBytes(f.relayBytes.sent + f.relayBytes.received));
    setText(
      byId('relay-bytes-detail'),
      `${formatBytes(f.relayBytes.sent)} sent, ${formatBytes(f.relayBytes.received)} received · ` +
        `${formatDuration(f.relayedSeconds * 1000)} relayed, summed over each side's own ` +
        `allocation (a call relayed on both sides counts twice, as both are billed)`,
    );
    const rates = relayRateBins(history, { bins: chartDefaults.rateBins });
    rateChart.update(rates.bytesPerSecond);
    setText(
      byId('rate-axis'),
      `Up: bytes relayed per second, 0 to ${formatBytes(Math.max(0, ...rates.bytesPerSecond))}/s. ` +
        `Across: ${clock(rates.from)} to ${clock(history.now)}, ` +
        `${formatDuration(rates.binMs)} a step; each report's bytes spread over the time it covers.`,
    );
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

    renderConnectTime(state);

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
    setText(
      byId('healing'),
      `${f.fallbacks} fallbacks to relay · ${f.recoveries.recovered} calls healed · ` +
        `${f.recoveries.failed} not healed`,
    );
    renderQuality(f);
  };
}

function renderSignaling(f: OperatorFigures): void {
  const s = f.signaling;
  const rooms = byId('rooms-now');
  rooms.dataset.rooms = String(s.rooms);
  rooms.dataset.sockets = String(s.sockets);
  rooms.dataset.joinsOk = String(s.joinsOk);
  rooms.dataset.joinsRefused = String(s.joinsRefused);
  rooms.dataset.stunOnly = String(s.stunOnlyAnswers);
  setText(rooms, `${s.rooms} ${s.rooms === 1 ? 'room' : 'rooms'}`);
  const turn = s.turnAnswers.map((entry) => `${entry.answers} from ${entry.provider}`);
  setText(
    byId('rooms-detail'),
    `with a peer on this server now, ${s.sockets} signaling connections open · ` +
      `${s.joinsOk} joins since the server started, ${s.joinsRefused} refused · ICE answers (joins ` +
      `and GET /ice) with TURN: ${turn.length > 0 ? turn.join(', ') : 'none'}; without: ` +
      `${s.stunOnlyAnswers}`,
  );
}

function renderQuality(f: OperatorFigures): void {
  const { byRating, poorByCause } = f.quality;
  renderBars(
    byId('quality-bars'),
    byRating
      .filter((entry) => entry.seconds > 0)
      .map((entry) => ({
        label: entry.rating,
        value: entry.seconds,
        text: formatDuration(entry.seconds * 1000),
        kind: `quality-${entry.rating}`,
      })),
    'No call quality reported yet.',
  );
  const now = byId('quality-now');
  for (const { rating, sidesNow } of byRating) now.dataset[rating] = String(sidesNow);
  const live = byRating.map((entry) => `${entry.sidesNow} ${entry.rating}`).join(', ');
  const causes = poorByCause.map((c) => `${c.cause} ${formatDuration(c.seconds * 1000)}`);
  setText(
    now,
    `Call sides receiving now: ${live}.` +
      (causes.length > 0 ? ` Poor or lost, by cause: ${causes.join(', ')}.` : ''),
  );
}

function renderStatus(state: OperatorState, pollMs: number): void {
  const status = byId('operator-status');
  status.dataset.polls = String(state.polls);
  setText(
    status,
    state.error
      ? state.error
      : state.lastPollAt
        ? `From this server's /metrics and /history, read ${clock(state.lastPollAt)}, ` +
          `every ${pollMs / 1000} s`
        : 'Reading /metrics and /history…',
  );
  status.classList.toggle('error-text', state.error !== null);
}

function renderConnectTime(state: OperatorState): void {
  const time = state.figures!.connectTime;
  const bounds = time.buckets.filter((bucket) => bucket.le !== Infinity);
  renderColumns(
    byId('connect-histogram'),
    // The unit is in the caption: bare bounds stay narrow enough for a phone's width.
    time.buckets.map((bucket) => ({
      label: bucket.le === Infinity ? `>${bounds[bounds.length - 1]?.le ?? 0}` : `${bucket.le}`,
      value: bucket.count,
    })),
  );
  const quantiles = byId('connect-quantiles');
  const q = state.quantiles;
  quantiles.dataset.p50 = String(q?.p50Ms ?? '');
  quantiles.dataset.p95 = String(q?.p95Ms ?? '');
  quantiles.dataset.exact = String(q?.exact ?? false);
  if (!q || q.p50Ms === null) {
    setText(quantiles, 'No connections reported yet.');
    return;
  }
  const median = formatDuration(q.p50Ms);
  const p95 = formatDuration(q.p95Ms ?? 0);
  const dropped = (state.history?.dropped.connections ?? 0) > 0;
  setText(
    quantiles,
    q.exact
      ? `median ${median} · p95 ${p95}, of the ${q.count} call sides' own times ` +
          (dropped ? `(the latest the server keeps)` : `(each one a side's measurement)`)
      : `median ≈ ${median} · p95 ≈ ${p95} (estimates from the buckets, as PromQL's ` +
          `histogram_quantile) · ${q.count} call sides`,
  );
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/**
 * Measures how much of a live connection goes through this side's own TURN allocation: bytes on
 * candidate pairs whose local end is `relay`, and the time the selected pair has a relay local
 * end. A TURN provider bills that allocation's traffic; the far side's allocation is the far
 * side's to report (see PROTOCOL.md, `connection:usage`).
 */
import type { RelayProtocol } from '@icelane/protocol';
import {
  findSelectedPair,
  normalizeCandidateType,
  type StatsEntry,
  type StatsLike,
} from './candidate-report.js';

/** Totals since the connection came up. */
export interface UsageTotals {
  bytesSent: number;
  bytesReceived: number;
  relayedMs: number;
  relayProtocol?: RelayProtocol;
}

export interface UsageState {
  totals: UsageTotals;
  /** Each relayed pair's counters at the previous reading: pairs come and go across restarts. */
  pairs: Map<string, { sent: number; received: number }>;
  /** When the previous reading found the selected pair relayed through this side's allocation. */
  relayedSince: number | undefined;
}

export function emptyUsage(): UsageState {
  return {
    totals: { bytesSent: 0, bytesReceived: 0, relayedMs: 0 },
    pairs: new Map(),
    relayedSince: undefined,
  };
}

/** Folds one `getStats()` reading taken at `now` into `state`. Pure but for `state` itself. */
export function foldUsage(state: UsageState, stats: StatsLike, now: number): UsageState {
  const { totals, pairs } = state;
  stats.forEach((entry) => {
    if (entry.type !== 'candidate-pair') return;
    const local = stats.get(String(entry.localCandidateId));
    if (normalizeCandidateType(local?.candidateType) !== 'relay') return;
    const sent = counter(entry.bytesSent);
    const received = counter(entry.bytesReceived);
    const before = pairs.get(entry.id) ?? { sent: 0, received: 0 };
    // A counter never goes down; if it seems to, the pair was made anew under the same id.
    totals.bytesSent += sent >= before.sent ? sent - before.sent : sent;
    totals.bytesReceived += received >= before.received ? received - before.received : received;
    pairs.set(entry.id, { sent, received });
  });
  const selected = findSelectedPair(stats);
  const local = selected ? stats.get(String(selected.localCandidateId)) : undefined;
  const relayed = normalizeCandidateType(local?.candidateType) === 'relay';
  if (state.relayedSince !== undefined) totals.relayedMs += Math.max(0, now - state.relayedSince);
  state.relayedSince = relayed ? now : undefined;
  const protocol = relayed ? relayProtocolOf(local) : undefined;
  if (protocol) totals.relayProtocol = protocol;
  return state;
}

export interface UsageMeterOptions {
  /** How often stats are read while the call is relayed. */
  relayedSampleMs: number;
  /** How often they are read otherwise (a direct call may be relayed after a restart). */
  idleSampleMs: number;
  /** How often totals that changed are reported. */
  intervalMs: number;
}

/**
 * How long a last reading of the stats may take before the totals go out without it (a reading
 * takes milliseconds; leaving the room must not hang on one that never answers).
 */
export const FINAL_READING_MS = 500;

export interface UsageMeter {
  /**
   * Reads the stats now and reports the totals if they changed since the last report (before
   * leaving the room): what the last second of the call carried counts too.
   */
  flush(): Promise<void>;
  /**
   * Stops, reads the stats a last time (started at once, or when the connection was closed if
   * that came first), and reports the final totals.
   */
  finish(): void;
  /**
   * Stops and reports at once, as final, the totals of the last reading (taken at most
   * `relayedSampleMs` ago while relayed), with the time relayed counted to now; the connection
   * then closes without a last reading. For a page going away: it runs no reading or timer after
   * `pagehide` (Firefox), or not reliably (Chromium). Called again, it reports only if no final
   * report went out: a page's handler may be cut short and run again (see `Room`).
   */
  finishNow(): void;
  /**
   * The room was joined anew after a signaling drop: the server's new session counts from what
   * the old one was last told, so it never counts that again, and what was used since that last
   * report (up to `intervalMs` of it) is not lost but reported to the new session.
   */
  rebase(): void;
}

/**
 * Reads the connection's stats on a timer and calls `report` with the totals every `intervalMs`
 * when they changed, and once with `final` from {@link UsageMeter.finish}, after a last reading:
 * the bytes of a call's last second count (with only the timer's readings, a 10 s call reported
 * 6 % less than coturn relayed).
 */
export function meterUsage(
  pc: RTCPeerConnection,
  options: UsageMeterOptions,
  report: (totals: UsageTotals, final: boolean) => void,
): UsageMeter {
  const state = emptyUsage();
  let stopped = false;
  let sampleTimer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = '';
  let base = { bytesSent: 0, bytesReceived: 0, relayedMs: 0 };
  /** The raw totals of the last report: what the server's session has been told. */
  let reported = base;
  const snapshot = (): UsageTotals => ({
    ...state.totals,
    bytesSent: state.totals.bytesSent - base.bytesSent,
    bytesReceived: state.totals.bytesReceived - base.bytesReceived,
    relayedMs: Math.round(state.totals.relayedMs - base.relayedMs),
  });
  const reportChanged = () => {
    const totals = snapshot();
    const key = JSON.stringify(totals);
    if (key === lastSent || (totals.bytesSent === 0 && totals.bytesReceived === 0)) return;
    lastSent = key;
    const { bytesSent, bytesReceived, relayedMs } = state.totals;
    reported = { bytesSent, bytesReceived, relayedMs };
    report(totals, false);
  };
  const read = () =>
    pc.getStats().then(
      (stats) => void foldUsage(state, stats as unknown as StatsLike, Date.now()),
      // Closed under us: the previous reading stands (the connection stops the meter).
      () => {},
    );
  const sample = async () => {
    await read();
    if (stopped) return;
    const next = state.relayedSince === undefined ? options.idleSampleMs : options.relayedSampleMs;
    sampleTimer = setTimeout(() => void sample(), next);
  };
  /** One reading now, waited for at most `FINAL_READING_MS`. */
  const readNow = () =>
    Promise.race([read(), new Promise<void>((resolve) => setTimeout(resolve, FINAL_READING_MS))]);
  // simple-peer closes the connection itself when the far side closes the data channel, before
  // this meter hears of the end. A reading that close() overtakes answers without the pairs'
  // counters (Chromium 156: the side left behind reported a fifth less than coturn relayed), so
  // the close waits for the last reading, at most FINAL_READING_MS: the call is over either way.
  let closingReading: Promise<void> | undefined;
  const close = pc.close;
  pc.close = () => {
    closingReading ??= readNow().finally(() => close.call(pc));
  };
  void sample();
  const reportTimer = setInterval(reportChanged, options.intervalMs);

  /** Stops the timers; returns whether the meter was running. */
  const stop = () => {
    const wasStopped = stopped;
    stopped = true;
    clearTimeout(sampleTimer);
    clearInterval(reportTimer);
    return !wasStopped;
  };
  /** Whether the final report went out (set once `report` returned: the page may cut it short). */
  let finalSent = false;
  const reportFinal = () => {
    if (finalSent) return;
    const totals = snapshot();
    // Time relayed up to now counts, had the last reading not come.
    if (state.relayedSince !== undefined) totals.relayedMs += Date.now() - state.relayedSince;
    report(totals, true);
    finalSent = true;
  };

  return {
    flush: () => readNow().then(reportChanged),
    finish() {
      if (stop()) void (closingReading ?? readNow()).then(reportFinal);
    },
    finishNow() {
      stop();
      pc.close = close;
      if (closingReading) close.call(pc);
      // Also when `finish()` came first: its last reading will not come on a closing page.
      reportFinal();
    },
    rebase() {
      base = reported;
      lastSent = '';
    },
  };
}

function counter(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function relayProtocolOf(entry: StatsEntry | undefined): RelayProtocol | undefined {
  const value = entry?.relayProtocol;
  return value === 'udp' || value === 'tcp' || value === 'tls' ? value : undefined;
}

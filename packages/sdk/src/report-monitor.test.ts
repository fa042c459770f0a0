import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionReport } from '@icelane/protocol';
import { monitorReports, type ReportContext } from './report-monitor.js';
import { firefoxSignaledRelayAfterPrflx, statsOf } from '../test/stats-fixtures.js';
import type { StatsEntry } from './candidate-report.js';
import {
  chromiumMovedDirect,
  chromiumRelayFirst,
  chromiumRelayOnly,
} from '../test/relay-first-fixtures.js';

const context: ReportContext = {
  peerId: 'p',
  attempt: 2,
  strategy: 'auto',
  turnOnDemand: true,
  timeToConnectMs: 1900,
};
const options = { intervalMs: 1_000, retryMs: 250, signaledRemoteWaitMs: 1_000, settleMs: 5_000 };

/** Firefox's stats before the other side's relay candidate was signaled. */
const beforeSignaled = firefoxSignaledRelayAfterPrflx.filter((e) => e.id !== 'a0f8ef55');

/**
 * Monitors a connection whose getStats() answers `answers` in turn (then the last one forever)
 * and collects the reports; `stop()` ends the monitor.
 */
function monitorAnswering(answers: StatsEntry[][]) {
  let call = 0;
  const getStats = async () => statsOf(answers[Math.min(call++, answers.length - 1)]!);
  const pc = { getStats } as unknown as RTCPeerConnection;
  const reports: ConnectionReport[] = [];
  const monitor = monitorReports(
    pc,
    context,
    options,
    (r) => reports.push(r),
    () => {},
  );
  return { reports, readNow: () => monitor.readNow(), stop: () => monitor.stop() };
}

describe('report monitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the signaled candidate behind a prflx remote end Firefox shows, then reports it', async () => {
    const monitor = monitorAnswering([
      beforeSignaled,
      beforeSignaled,
      firefoxSignaledRelayAfterPrflx,
    ]);
    await vi.advanceTimersByTimeAsync(600);
    monitor.stop();
    expect(monitor.reports).toHaveLength(1);
    expect(monitor.reports[0]).toMatchObject({ relayed: true, remote: { type: 'relay' } });
  });

  it('reports a new pair at once when asked to read now (after an ICE restart)', async () => {
    const monitor = monitorAnswering([beforeSignaled]);
    await monitor.readNow();
    monitor.stop();
    expect(monitor.reports).toHaveLength(1);
    expect(monitor.reports[0]).toMatchObject({ remote: { type: 'prflx' } });
  });

  it('reports prflx once the wait is over when no candidate matches', async () => {
    const monitor = monitorAnswering([beforeSignaled]);
    await vi.advanceTimersByTimeAsync(900);
    expect(monitor.reports).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(400);
    monitor.stop();
    expect(monitor.reports).toHaveLength(1);
    expect(monitor.reports[0]).toMatchObject({ relayed: true, remote: { type: 'prflx' } });
  });

  it('holds the first report of a relayed pair while a direct one is in sight, and reports the direct pair the call moves to', async () => {
    const monitor = monitorAnswering([chromiumRelayFirst, chromiumRelayFirst, chromiumMovedDirect]);
    await vi.advanceTimersByTimeAsync(600);
    monitor.stop();
    expect(monitor.reports).toHaveLength(1);
    expect(monitor.reports[0]).toMatchObject({ relayed: false, remote: { type: 'prflx' } });
  });

  it('reports the relayed pair once the settling time is over if the call never moves', async () => {
    const monitor = monitorAnswering([chromiumRelayFirst]);
    await vi.advanceTimersByTimeAsync(options.settleMs - options.retryMs);
    expect(monitor.reports).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(options.retryMs);
    monitor.stop();
    expect(monitor.reports).toHaveLength(1);
    expect(monitor.reports[0]).toMatchObject({ relayed: true, remote: { type: 'relay' } });
  });

  it('tells a move off the relay within a retry while settling, not an interval later', async () => {
    const monitor = monitorAnswering([chromiumRelayOnly, chromiumMovedDirect]);
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.reports.map((r) => r.relayed)).toEqual([true]);
    await vi.advanceTimersByTimeAsync(options.retryMs);
    monitor.stop();
    expect(monitor.reports.map((r) => r.relayed)).toEqual([true, false]);
  });

  it('reads a relayed pair every interval once the settling time is over, and takes round trips from those reads only', async () => {
    let reads = 0;
    const withRtt = chromiumRelayOnly.map((e) =>
      e.id === 'CPrelay' ? { ...e, currentRoundTripTime: 0.04 } : e,
    );
    const pc = {
      getStats: async () => (reads++, statsOf(withRtt)),
    } as unknown as RTCPeerConnection;
    const rtts: number[] = [];
    const monitor = monitorReports(
      pc,
      context,
      options,
      () => {},
      (rtt) => rtts.push(rtt),
    );
    await vi.advanceTimersByTimeAsync(options.settleMs - 1);
    expect(reads).toBe(options.settleMs / options.retryMs);
    expect(rtts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + options.intervalMs * 3);
    monitor.stop();
    expect(reads).toBe(options.settleMs / options.retryMs + 4);
    expect(rtts).toEqual([40, 40, 40, 40]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  emptyUsage,
  FINAL_READING_MS,
  foldUsage,
  meterUsage,
  type UsageTotals,
} from './usage-meter.js';
import { chromePrflxToRelay, chromeSrflx, statsOf } from '../test/stats-fixtures.js';
import type { StatsEntry } from './candidate-report.js';

const withBytes = (entries: StatsEntry[], pairId: string, sent: number, received: number) =>
  entries.map((entry) =>
    entry.id === pairId ? { ...entry, bytesSent: sent, bytesReceived: received } : entry,
  );

describe('relay usage from getStats', () => {
  it('counts the bytes of pairs whose local end is relay, and the time the selected pair is one', () => {
    const state = emptyUsage();
    foldUsage(state, statsOf(withBytes(chromePrflxToRelay, 'CPa1b2_c3d4', 100, 200)), 1_000);
    foldUsage(state, statsOf(withBytes(chromePrflxToRelay, 'CPa1b2_c3d4', 1_100, 2_200)), 3_000);
    expect(state.totals).toEqual({
      bytesSent: 1_100,
      bytesReceived: 2_200,
      relayedMs: 2_000,
      relayProtocol: 'udp',
    });
  });

  it('counts nothing for a direct pair, however busy', () => {
    const state = emptyUsage();
    foldUsage(state, statsOf(withBytes(chromeSrflx, 'CP1', 10_000, 10_000)), 1_000);
    foldUsage(state, statsOf(withBytes(chromeSrflx, 'CP1', 90_000, 90_000)), 5_000);
    expect(state.totals).toEqual({ bytesSent: 0, bytesReceived: 0, relayedMs: 0 });
  });

  it('keeps what a relayed pair carried after a restart moved the call off it', () => {
    const state = emptyUsage();
    foldUsage(state, statsOf(withBytes(chromePrflxToRelay, 'CPa1b2_c3d4', 500, 500)), 1_000);
    // After an ICE restart the call is direct; the old pair is gone from the stats.
    foldUsage(state, statsOf(chromeSrflx), 2_000);
    foldUsage(state, statsOf(chromeSrflx), 9_000);
    expect(state.totals).toMatchObject({ bytesSent: 500, bytesReceived: 500, relayedMs: 1_000 });
  });
});

/** A connection whose relayed pair has carried `bytes` each way; `stalled` readings never answer. */
function relayedConnection() {
  const pc = { bytes: 0, stalled: false, getStats: () => Promise.resolve(statsOf([])) };
  pc.getStats = () =>
    pc.stalled
      ? new Promise(() => {})
      : Promise.resolve(statsOf(withBytes(chromePrflxToRelay, 'CPa1b2_c3d4', pc.bytes, pc.bytes)));
  return pc;
}

/** Every promise already resolved has run its callbacks (the meter's first reading is in). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Timers far apart: only the readings the test asks for happen. */
const QUIET = { relayedSampleMs: 60_000, idleSampleMs: 60_000, intervalMs: 60_000 };

describe('the usage meter at the end of a call', () => {
  afterEach(() => vi.useRealTimers());

  it("counts the call's last second: the final report follows a reading taken at close", async () => {
    const pc = relayedConnection();
    const reports: Array<{ totals: UsageTotals; final: boolean }> = [];
    pc.bytes = 1_000;
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals, final) =>
      reports.push({ totals, final }),
    );
    await settled();
    pc.bytes = 250_000;
    meter.finish();
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(reports[0]).toMatchObject({
      final: true,
      totals: { bytesSent: 250_000, bytesReceived: 250_000 },
    });
  });

  it('closes the connection under it only after its last reading', async () => {
    const connection = relayedConnection();
    // As in Chromium, a reading that close() overtakes answers without the pairs' counters.
    let closed = false;
    const pc = Object.assign(connection, {
      close: () => void (closed = true),
      getStats: () =>
        new Promise((resolve) => setTimeout(resolve, 5)).then(() =>
          statsOf(closed ? [] : withBytes(chromePrflxToRelay, 'CPa1b2_c3d4', pc.bytes, pc.bytes)),
        ),
    });
    const reports: Array<{ totals: UsageTotals; final: boolean }> = [];
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals, final) =>
      reports.push({ totals, final }),
    );
    pc.bytes = 90_000;
    // simple-peer closes the connection when the far side's channel closes; the end comes later.
    (pc as unknown as RTCPeerConnection).close();
    expect(closed).toBe(false);
    meter.finish();
    await vi.waitFor(() => expect(reports).toHaveLength(1));
    expect(closed).toBe(true);
    expect(reports[0]).toMatchObject({ final: true, totals: { bytesSent: 90_000 } });
  });

  it('reads the stats before a flush (leaving the room) reports them', async () => {
    const pc = relayedConnection();
    const reports: UsageTotals[] = [];
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals) =>
      reports.push(totals),
    );
    pc.bytes = 70_000;
    await meter.flush();
    expect(reports).toEqual([expect.objectContaining({ bytesSent: 70_000 })]);
    meter.finish();
  });

  it('sends the final totals without a reading that does not come within FINAL_READING_MS', async () => {
    vi.useFakeTimers();
    const pc = relayedConnection();
    pc.bytes = 3_000;
    const reports: Array<{ totals: UsageTotals; final: boolean }> = [];
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals, final) =>
      reports.push({ totals, final }),
    );
    await vi.advanceTimersByTimeAsync(0);
    pc.stalled = true;
    meter.finish();
    await vi.advanceTimersByTimeAsync(FINAL_READING_MS - 1);
    expect(reports).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([
      { final: true, totals: expect.objectContaining({ bytesSent: 3_000 }) },
    ]);
  });

  it('reports the last reading at once as final on finishNow, and closes without waiting for a reading', async () => {
    vi.useFakeTimers();
    let closed = false;
    const pc = Object.assign(relayedConnection(), { close: () => void (closed = true) });
    pc.bytes = 4_000;
    const reports: Array<{ totals: UsageTotals; final: boolean }> = [];
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals, final) =>
      reports.push({ totals, final }),
    );
    await vi.advanceTimersByTimeAsync(0);
    // A closing page: no reading answers any more, and a close is under way (simple-peer's).
    pc.stalled = true;
    pc.bytes = 9_000;
    (pc as unknown as RTCPeerConnection).close();
    expect(closed).toBe(false);
    meter.finishNow();
    expect(closed).toBe(true);
    expect(reports).toEqual([
      { final: true, totals: expect.objectContaining({ bytesSent: 4_000 }) },
    ]);
    meter.finish();
    await vi.advanceTimersByTimeAsync(FINAL_READING_MS);
    expect(reports).toHaveLength(1);
  });

  it('reports on finishNow run again only what did not go out: a cut-short page handler runs twice', async () => {
    vi.useFakeTimers();
    const pc = relayedConnection();
    pc.bytes = 4_000;
    const reports: Array<{ totals: UsageTotals; final: boolean }> = [];
    let cancel = true;
    const meter = meterUsage(pc as unknown as RTCPeerConnection, QUIET, (totals, final) => {
      // The page's first run is cancelled before the report is written.
      if (final && cancel) throw new Error('script cancelled');
      reports.push({ totals, final });
    });
    await vi.advanceTimersByTimeAsync(1_000);
    pc.stalled = true;
    // The connection's close began first: its last reading will not come on a closing page.
    meter.finish();
    expect(() => meter.finishNow()).toThrow('script cancelled');
    cancel = false;
    meter.finishNow();
    meter.finishNow();
    await vi.advanceTimersByTimeAsync(FINAL_READING_MS);
    expect(reports).toEqual([
      { final: true, totals: expect.objectContaining({ bytesSent: 4_000, relayedMs: 1_000 }) },
    ]);
  });
});

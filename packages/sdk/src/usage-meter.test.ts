import { describe, expect, it } from 'vitest';
import { emptyUsage, foldUsage } from './usage-meter.js';
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

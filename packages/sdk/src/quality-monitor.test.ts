import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallQuality } from './call-quality.js';
import { monitorQuality } from './quality-monitor.js';
import { statsOf } from '../test/stats-fixtures.js';
import { receiverAt3s, receiverAt6s } from '../test/quality-fixtures.js';

describe('the quality monitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rates each window between two readings and tells only a change', async () => {
    // The recorded call, then a reading with no new packet (media stopped), twice.
    const readings = [receiverAt3s, receiverAt6s, receiverAt6s, receiverAt6s];
    const pc = { getStats: () => Promise.resolve(statsOf(readings.shift() ?? receiverAt6s)) };
    const told: CallQuality[] = [];
    const monitor = monitorQuality(pc as unknown as RTCPeerConnection, 3_000, (q) => told.push(q));
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(told.map((q) => q.rating)).toEqual(['excellent']);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(told.map((q) => q.rating)).toEqual(['excellent', 'lost']);
    monitor.stop();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(told).toHaveLength(2);
  });
});

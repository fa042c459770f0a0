import { describe, expect, it } from 'vitest';
import { appendPoint, relayRate, type TrendPoint } from './trend.js';

describe('the trend of polled figures', () => {
  it('keeps the latest points only', () => {
    let points: TrendPoint[] = [];
    for (let i = 0; i < 5; i++) {
      points = appendPoint(points, { at: i, relayShare: null, relayBytes: i }, { maxPoints: 3 });
    }
    expect(points.map((p) => p.at)).toEqual([2, 3, 4]);
  });

  it('turns byte totals into bytes per second, and a restarted server into a fresh count', () => {
    const points: TrendPoint[] = [
      { at: 0, relayShare: 1, relayBytes: 0 },
      { at: 2_000, relayShare: 1, relayBytes: 4_000 },
      { at: 4_000, relayShare: 1, relayBytes: 1_000 },
    ];
    expect(relayRate(points)).toEqual([
      { at: 2_000, value: 2_000 },
      { at: 4_000, value: 500 },
    ]);
  });
});

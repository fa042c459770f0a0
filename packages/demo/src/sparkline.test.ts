import { describe, expect, it } from 'vitest';
import { sparklinePoints } from './sparkline.js';

const parse = (points: string) =>
  points.split(' ').map((p) => p.split(',').map(Number) as [number, number]);

describe('RTT sparkline', () => {
  it('needs two samples to draw a line', () => {
    expect(sparklinePoints([])).toBe('');
    expect(sparklinePoints([5])).toBe('');
  });

  it('draws the newest sample at the right edge and higher values higher', () => {
    const points = parse(sparklinePoints([10, 40, 20], { width: 100, height: 40, samples: 11 }));
    expect(points).toHaveLength(3);
    expect(points[2]![0]).toBeCloseTo(100);
    expect(points[1]![0] - points[0]![0]).toBeCloseTo(10);
    const [y10, y40, y20] = points.map(([, y]) => y);
    expect(y40).toBeLessThan(y20!);
    expect(y20).toBeLessThan(y10!);
    expect(y40).toBeCloseTo(2);
  });

  it('keeps only the latest samples', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    expect(parse(sparklinePoints(values, { samples: 60 }))).toHaveLength(60);
  });
});

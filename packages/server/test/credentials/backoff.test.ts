import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs } from '../../src/credentials/backoff.js';

const options = { baseMs: 1_000, maxMs: 60_000, factor: 2 };

describe('backoff', () => {
  it('grows the ceiling exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeilingMs(n, options))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffCeilingMs(10_000, options)).toBe(60_000);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelayMs(5, options, () => 0.5)).toBe(8_000);
    expect(backoffDelayMs(5, options, () => 0.999)).toBe(15_984);
    expect(backoffDelayMs(50, options, () => 0.25)).toBe(15_000);
  });

  it('never goes below the base delay, whatever the draw', () => {
    for (let failures = 1; failures < 20; failures++) {
      expect(backoffDelayMs(failures, options, () => 0)).toBe(1_000);
    }
  });

  it('waits nothing before the first failure', () => {
    expect(backoffDelayMs(0, options, () => 0.5)).toBe(0);
  });
});

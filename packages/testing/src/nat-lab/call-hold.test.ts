import { describe, expect, it } from 'vitest';
import { framesBetween, longestGap, longestGapSpan, ticksMissing } from './call-hold.js';

describe('longestGapSpan', () => {
  it('finds the longest interval and when it began', () => {
    expect(longestGapSpan([0, 100, 250, 7_418, 7_500])).toEqual({ from: 250, ms: 7_168 });
    expect(longestGap([0, 100, 250, 7_418, 7_500])).toBe(7_168);
  });

  it('keeps the first of two equal intervals', () => {
    expect(longestGapSpan([10, 20, 30])).toEqual({ from: 10, ms: 10 });
  });

  it('is zero at the first time when there is no interval', () => {
    expect(longestGapSpan([42])).toEqual({ from: 42, ms: 0 });
  });
});

describe('framesBetween', () => {
  const samples = [
    { at: 0, frames: 0 },
    { at: 100, frames: 2 },
    { at: 200, frames: 2 },
    { at: 300, frames: 5 },
    { at: 400, frames: 9 },
  ];

  it('counts the frames decoded between the first and last sample in the window', () => {
    expect(framesBetween(samples, 100, 300)).toBe(3);
    expect(framesBetween(samples, 150, 1_000)).toBe(7);
  });

  it('is zero when the video stood still or the window holds one sample', () => {
    expect(framesBetween(samples, 100, 200)).toBe(0);
    expect(framesBetween(samples, 350, 450)).toBe(0);
  });
});

describe('ticksMissing', () => {
  it('counts the ticks skipped between the lowest and the highest received', () => {
    expect(ticksMissing(['tick 3', 'tick 4', 'tick 7', 'tick 5'])).toBe(1);
    expect(ticksMissing(['tick 0', 'tick 1', 'tick 2'])).toBe(0);
  });

  it('counts a tick received twice once, and ignores other messages', () => {
    expect(ticksMissing(['tick 1', 'tick 1', 'hello', [1, 2], 'tick 2'])).toBe(0);
    expect(ticksMissing([])).toBe(0);
  });
});

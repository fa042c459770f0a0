/**
 * Fake timers for every test of the calling `describe`: timeouts, intervals and `Date.now()`
 * move only when the test advances them (`await vi.advanceTimersByTimeAsync(ms)`, which also runs
 * the promise callbacks due by then), and real timers come back after each test.
 */
import { afterEach, beforeEach, vi } from 'vitest';

export function useFakeTimersPerTest(now?: number): void {
  beforeEach(() => {
    vi.useFakeTimers();
    if (now !== undefined) vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

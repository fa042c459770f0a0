import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resyncSchedule, type ResyncScheduleOptions } from './resync-schedule.js';

const o: ResyncScheduleOptions = { settleMs: 100, firstRetryMs: 250, maxRetryMs: 1_000 };

/**
 * A resync whose runs fail or succeed as `outcomes` says (`false`: fails), then succeed; records
 * when each one started.
 */
function resyncs(...outcomes: boolean[]) {
  const started: number[] = [];
  const resync = () => {
    const succeeds = outcomes[started.length] ?? true;
    started.push(Date.now());
    return succeeds ? Promise.resolve() : Promise.reject(new Error('refused'));
  };
  return { started, resync };
}

/** A resync that stays under way until `finish` is called. */
function heldResync() {
  let started = 0;
  let finish!: () => void;
  const resync = () => {
    started++;
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { resync, finish: () => finish(), started: () => started };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resync schedule', () => {
  it('makes one resync of a storm of failover events, once they have settled', async () => {
    const { started, resync } = resyncs();
    const schedule = resyncSchedule(resync, () => true, o);
    for (let i = 0; i < 5; i++) schedule.soon();
    await vi.advanceTimersByTimeAsync(o.settleMs - 1);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([o.settleMs]);
  });

  it('retries a failed resync after a backoff that doubles up to its cap, until it succeeds', async () => {
    const { started, resync } = resyncs(false, false, false, false);
    const schedule = resyncSchedule(resync, () => true, o);
    schedule.now();
    await vi.advanceTimersByTimeAsync(10_000);
    // Failed at 0, 250, 750 and 1,750; succeeded at 2,750 (the wait capped at 1,000).
    expect(started).toEqual([0, 250, 750, 1_750, 2_750]);
  });

  it('starts the backoff afresh after a resync succeeded', async () => {
    const { started, resync } = resyncs(false, false, true, false);
    const schedule = resyncSchedule(resync, () => true, o);
    schedule.now();
    await vi.advanceTimersByTimeAsync(2_000);
    schedule.now();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(started).toEqual([0, 250, 750, 2_000, 2_000 + o.firstRetryMs]);
  });

  it('runs a resync asked for while one is under way after it, not beside it', async () => {
    const held = heldResync();
    const schedule = resyncSchedule(held.resync, () => true, o);
    schedule.now();
    await vi.advanceTimersByTimeAsync(0);
    schedule.now();
    schedule.soon();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.started()).toBe(1);
    held.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.started()).toBe(2);
    held.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.started()).toBe(2);
  });

  it('starts nothing while Redis is away, and nothing once stopped', async () => {
    const { started, resync } = resyncs(false);
    let reachable = false;
    const schedule = resyncSchedule(resync, () => reachable, o);
    schedule.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toEqual([]);
    reachable = true;
    schedule.now();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([1_000]);
    // Its retry is waiting: stopping cancels it.
    schedule.stop();
    schedule.soon();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([1_000]);
  });
});

/**
 * The circuit breaker of a provider in a failover list, on fake timers: when it opens, when a
 * probe is due, and how the probe's outcome closes or reopens it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createBreaker,
  type BreakerOptions,
  type BreakerState,
} from '../../src/credentials/breaker.js';

const options: BreakerOptions = { failureThreshold: 3, cooldownMs: 10_000 };

function breakerWithLog(o: Partial<BreakerOptions> = options) {
  const transitions: string[] = [];
  const breaker = createBreaker(
    {
      now: () => Date.now(),
      onTransition: (from: BreakerState, to: BreakerState) => transitions.push(`${from}>${to}`),
    },
    o,
  );
  return { breaker, transitions };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('provider circuit breaker', () => {
  it('opens after failureThreshold failed joins in a row; a success in between starts the count again', () => {
    const { breaker, transitions } = breakerWithLog();
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state()).toBe('closed');
    expect(breaker.admits()).toBe(true);
    breaker.failed();
    expect(breaker.state()).toBe('open');
    expect(breaker.admits()).toBe(false);
    expect(transitions).toEqual(['closed>open']);
  });

  it('lets one probe through once the cool-down is over, and none before', () => {
    const { breaker } = breakerWithLog({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.failed();
    vi.advanceTimersByTime(9_999);
    expect(breaker.startProbe()).toBe(false);
    expect(breaker.state()).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.startProbe()).toBe(true);
    expect(breaker.state()).toBe('half-open');
    // One probe at a time; joins still skip the provider while it runs.
    expect(breaker.startProbe()).toBe(false);
    expect(breaker.admits()).toBe(false);
  });

  it('closes when the probe succeeds, so joins come back to the provider', () => {
    const { breaker, transitions } = breakerWithLog({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.failed();
    vi.advanceTimersByTime(10_000);
    breaker.startProbe();
    breaker.probeDone(true);
    expect(breaker.state()).toBe('closed');
    expect(breaker.admits()).toBe(true);
    expect(transitions).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
    // Closed again means a fresh count: one failure (the threshold) opens it again.
    breaker.failed();
    expect(breaker.state()).toBe('open');
  });

  it('reopens for a whole new cool-down when the probe fails', () => {
    const { breaker } = breakerWithLog({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.failed();
    vi.advanceTimersByTime(15_000);
    breaker.startProbe();
    vi.advanceTimersByTime(2_000);
    breaker.probeDone(false);
    expect(breaker.state()).toBe('open');
    vi.advanceTimersByTime(9_999);
    expect(breaker.startProbe()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(breaker.startProbe()).toBe(true);
  });

  it('ignores late failures while open (they do not restart the cool-down), and closes on a late success', () => {
    const { breaker } = breakerWithLog({ failureThreshold: 1, cooldownMs: 10_000 });
    breaker.failed();
    vi.advanceTimersByTime(9_000);
    breaker.failed();
    vi.advanceTimersByTime(1_000);
    expect(breaker.startProbe()).toBe(true);
    // A join that was already waiting on the provider got an answer after all.
    breaker.succeeded();
    expect(breaker.state()).toBe('closed');
    // The probe that was running changes nothing any more.
    breaker.probeDone(false);
    expect(breaker.state()).toBe('closed');
  });

  it('refuses options that cannot work', () => {
    expect(() => createBreaker({ now: Date.now }, { failureThreshold: 0 })).toThrow(
      /failureThreshold/,
    );
    expect(() => createBreaker({ now: Date.now }, { cooldownMs: 0 })).toThrow(/cooldownMs/);
  });
});

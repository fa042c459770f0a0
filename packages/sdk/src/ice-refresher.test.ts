import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IceConfig } from '@icelane/protocol';
import { createIceRefresher, dueIn } from './ice-refresher.js';

const HOUR = 3_600_000;
const config = (n: number, expiresAt: number | null): IceConfig => ({
  iceServers: [{ urls: 'turn:203.0.113.1:3478', username: `u${n}`, credential: `c${n}` }],
  expiresAt,
  turn: true,
  policy: 'all',
});

describe('the ICE refresher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(initial: IceConfig) {
    let n = 1;
    const fetchIce = vi.fn(async () => config(++n, Date.now() + HOUR));
    const fresh: IceConfig[] = [];
    const errors: unknown[] = [];
    const refresher = createIceRefresher(
      initial,
      fetchIce,
      { leadMs: 60_000, retryMs: 5_000 },
      (ice) => fresh.push(ice),
      (error) => errors.push(error),
    );
    return { refresher, fetchIce, fresh, errors };
  }

  it('asks for fresh servers the lead time before the credentials expire, and again after', async () => {
    const { refresher, fetchIce, fresh } = setup(config(1, HOUR));
    await vi.advanceTimersByTimeAsync(HOUR - 60_001);
    expect(fetchIce).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchIce).toHaveBeenCalledTimes(1);
    expect(refresher.current().iceServers[0]!.username).toBe('u2');
    expect(fresh).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(fetchIce).toHaveBeenCalledTimes(2);
    refresher.stop();
  });

  it('refreshes short-lived credentials halfway through their life instead of in a loop', async () => {
    expect(dueIn(1_000 + 30_000, 60_000, 1_000)).toBe(15_000);
    expect(dueIn(HOUR, 60_000, 0)).toBe(HOUR - 60_000);
    expect(dueIn(null, 60_000)).toBeUndefined();
    const { refresher, fetchIce } = setup(config(1, 30_000));
    await vi.advanceTimersByTimeAsync(14_999);
    expect(fetchIce).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchIce).toHaveBeenCalledTimes(1);
    refresher.stop();
  });

  it('does not schedule anything without TURN credentials', async () => {
    const { fetchIce, refresher } = setup(config(1, null));
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(fetchIce).not.toHaveBeenCalled();
    refresher.stop();
  });

  it('shares one request among links that need servers fresher than their failure', async () => {
    const { refresher, fetchIce } = setup(config(1, 10 * HOUR));
    await vi.advanceTimersByTimeAsync(1_000);
    const failedAt = Date.now();
    await vi.advanceTimersByTimeAsync(10);
    const [a, b] = await Promise.all([
      refresher.freshSince(failedAt),
      refresher.freshSince(failedAt),
    ]);
    expect(fetchIce).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    // A third link failing at the same moment reuses the answer.
    expect(await refresher.freshSince(failedAt)).toBe(a);
    expect(fetchIce).toHaveBeenCalledTimes(1);
    refresher.stop();
  });

  it('falls back to the current servers when a refresh fails, and keeps its schedule', async () => {
    const initial = config(1, 120_000);
    const fetchIce = vi
      .fn()
      .mockRejectedValueOnce(new Error('rate-limited'))
      .mockResolvedValue(config(2, HOUR));
    const errors: unknown[] = [];
    const refresher = createIceRefresher(
      initial,
      fetchIce,
      { leadMs: 60_000, retryMs: 5_000 },
      () => {},
      (e) => errors.push(e),
    );
    expect(await refresher.freshSince(Date.now() + 1)).toBe(initial);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000 + 5_000);
    expect(refresher.current().iceServers[0]!.username).toBe('u2');
    refresher.stop();
  });
});

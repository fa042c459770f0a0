import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter, fullBucket, take, type RateLimit } from './rate-limit.js';

const limit: RateLimit = { burst: 3, perSecond: 2 };

describe('token bucket', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const bucket = fullBucket(limit, 0);
    expect([take(bucket, limit, 0), take(bucket, limit, 0), take(bucket, limit, 0)]).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    expect(take(bucket, limit, 0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(take(bucket, limit, 200)).toEqual({ ok: false, retryAfterMs: 300 });
  });

  it('refills at its rate and never above its burst', () => {
    const bucket = fullBucket(limit, 0);
    for (let i = 0; i < 3; i++) take(bucket, limit, 0);
    expect(take(bucket, limit, 500)).toEqual({ ok: true });
    expect(take(bucket, limit, 500).ok).toBe(false);
    // An hour idle gives back the burst, not 7,200 requests.
    const later = 3_600_000;
    const results = Array.from({ length: 4 }, () => take(bucket, limit, later).ok);
    expect(results).toEqual([true, true, true, false]);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = fullBucket(limit, 10_000);
    for (let i = 0; i < 3; i++) take(bucket, limit, 10_000);
    expect(take(bucket, limit, 0).ok).toBe(false);
    expect(take(bucket, limit, 10_000).ok).toBe(false);
  });

  it('never refills a bucket with no rate', () => {
    const none: RateLimit = { burst: 1, perSecond: 0 };
    const bucket = fullBucket(none, 0);
    expect(take(bucket, none, 0).ok).toBe(true);
    expect(take(bucket, none, 1e9)).toEqual({ ok: false, retryAfterMs: Infinity });
  });
});

describe('keyed rate limiter', () => {
  it('limits each key on its own', () => {
    const limiter = new KeyedRateLimiter({ burst: 1, perSecond: 1 });
    expect(limiter.take('10.0.0.1', 0).ok).toBe(true);
    expect(limiter.take('10.0.0.1', 0).ok).toBe(false);
    expect(limiter.take('10.0.0.2', 0).ok).toBe(true);
  });

  it('forgets keys whose bucket has refilled, so memory follows recent clients only', () => {
    const limiter = new KeyedRateLimiter({ burst: 2, perSecond: 1 }, 1_000);
    for (let i = 0; i < 100; i++) limiter.take(`client-${i}`, 0);
    expect(limiter.size).toBe(100);
    limiter.take('late', 5_000);
    expect(limiter.size).toBe(1);
  });
});

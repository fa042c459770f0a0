/**
 * Token buckets: a burst of `burst` requests, refilled at `perSecond`. Pure functions of the
 * bucket and the time, so the limits are tested without a clock.
 */

/** A rate: `burst` requests at once, then `perSecond` on average. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export interface TokenBucket {
  tokens: number;
  /** ms since the epoch of the last refill. */
  updatedAt: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/** A full bucket: a new client starts with its whole burst. */
export function fullBucket(limit: RateLimit, now: number): TokenBucket {
  return { tokens: limit.burst, updatedAt: now };
}

/** The bucket's tokens refilled up to `now`, never above its burst. */
function refilledTokens(bucket: TokenBucket, limit: RateLimit, now: number): number {
  const elapsedMs = Math.max(0, now - bucket.updatedAt);
  return Math.min(limit.burst, bucket.tokens + (elapsedMs / 1000) * limit.perSecond);
}

/** Every allowed request gets this one answer: a take runs on every inbound message. */
const TAKEN: TakeResult = Object.freeze({ ok: true });

/**
 * Takes one token. Mutates the bucket, so a caller keeps one object per client. When refused,
 * `retryAfterMs` is when the next token will be there.
 */
export function take(bucket: TokenBucket, limit: RateLimit, now: number): TakeResult {
  // Refilled in place: no object made per message.
  const tokens = refilledTokens(bucket, limit, now);
  bucket.updatedAt = Math.max(now, bucket.updatedAt);
  if (tokens >= 1) {
    bucket.tokens = tokens - 1;
    return TAKEN;
  }
  bucket.tokens = tokens;
  const retryAfterMs =
    limit.perSecond > 0 ? Math.ceil(((1 - tokens) / limit.perSecond) * 1000) : Infinity;
  return { ok: false, retryAfterMs };
}

/**
 * One bucket per key (a client IP). Buckets that have refilled completely carry no information,
 * so they are dropped on the way, and the map cannot grow past the clients seen recently.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweep = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly sweepEveryMs = 60_000,
  ) {}

  take(key: string, now: number): TakeResult {
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = fullBucket(this.limit, now);
      this.buckets.set(key, bucket);
    }
    return take(bucket, this.limit, now);
  }

  /** How many keys are tracked (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (refilledTokens(bucket, this.limit, now) >= this.limit.burst) this.buckets.delete(key);
    }
  }
}

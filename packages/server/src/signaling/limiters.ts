/**
 * The rate limits the server applies: per socket on every costly event, and per client IP on
 * joins and ICE refreshes, which hand out TURN credentials (relay bandwidth is billed).
 */
import {
  KeyedRateLimiter,
  fullBucket,
  take,
  type RateLimit,
  type TakeResult,
  type TokenBucket,
} from './rate-limit.js';

export interface RateLimits {
  /** Signals relayed per socket. */
  signal: RateLimit;
  /** Joins per socket. */
  join: RateLimit;
  /** ICE refreshes per socket. */
  iceRefresh: RateLimit;
  /** Connection reports per socket. */
  report: RateLimit;
  /** Joins and `GET /ice` per client IP. */
  joinPerIp: RateLimit;
  /** ICE refreshes per client IP. */
  iceRefreshPerIp: RateLimit;
}

export const rateLimitsDefaults: RateLimits = {
  // An offer with trickled candidates is a few dozen messages per peer; a mesh of 8 is 7 peers.
  signal: { burst: 100, perSecond: 50 },
  join: { burst: 5, perSecond: 0.5 },
  // A failed attempt refreshes once per remote peer before its relay-only retry.
  iceRefresh: { burst: 10, perSecond: 0.2 },
  report: { burst: 20, perSecond: 2 },
  // Generous: one carrier-grade NAT address may front many users.
  joinPerIp: { burst: 60, perSecond: 2 },
  iceRefreshPerIp: { burst: 60, perSecond: 2 },
};

export type SocketLimit = 'signal' | 'join' | 'iceRefresh' | 'report';
export type SocketBuckets = Record<SocketLimit, TokenBucket>;

/** The limiters of one server: per-IP buckets shared by all sockets, per-socket buckets apart. */
export class Limiters {
  private readonly joinPerIp: KeyedRateLimiter;
  private readonly iceRefreshPerIp: KeyedRateLimiter;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {
    this.joinPerIp = new KeyedRateLimiter(limits.joinPerIp);
    this.iceRefreshPerIp = new KeyedRateLimiter(limits.iceRefreshPerIp);
  }

  /** Full buckets for a new socket. */
  socketBuckets(): SocketBuckets {
    const now = this.now();
    return {
      signal: fullBucket(this.limits.signal, now),
      join: fullBucket(this.limits.join, now),
      iceRefresh: fullBucket(this.limits.iceRefresh, now),
      report: fullBucket(this.limits.report, now),
    };
  }

  /** One request of kind `limit` from a socket; joins and refreshes also count against the IP. */
  take(limit: SocketLimit, buckets: SocketBuckets, ip: string): TakeResult {
    const now = this.now();
    const own = take(buckets[limit], this.limits[limit], now);
    if (!own.ok) return own;
    if (limit === 'join') return this.joinPerIp.take(ip, now);
    if (limit === 'iceRefresh') return this.iceRefreshPerIp.take(ip, now);
    return own;
  }

  /** One `GET /ice` from `ip`: it hands out what a join does, so it shares the join bucket. */
  takeIceRequest(ip: string): TakeResult {
    return this.joinPerIp.take(ip, this.now());
  }
}

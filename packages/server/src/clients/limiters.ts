/**
 * The rate limits the server applies: per socket on every costly event, per client IP on joins
 * and ICE refreshes (they hand out TURN credentials, and relay bandwidth is billed), a budget of
 * their own for refused requests, and the refusals a socket may collect before it is cut off.
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
  /** Authorized joins and `GET /ice` per client IP (an IPv6 /64 counts as one). */
  joinPerIp: RateLimit;
  /** ICE refreshes per client IP. */
  iceRefreshPerIp: RateLimit;
  /**
   * Refused joins and `GET /ice` (no token, a bad one) per client IP. Apart from `joinPerIp`, so
   * a hostile page making its visitors' browsers send tokenless requests cannot spend the
   * budget the valid users behind the same address (a carrier-grade NAT) share.
   */
  refusedPerIp: RateLimit;
  /**
   * Refusals per socket (invalid payloads, rate limits, events out of place, unknown events,
   * unauthorized joins): once the bucket is empty the socket is disconnected.
   */
  strikes: RateLimit;
  /**
   * Inbound messages per transport connection, whatever they carry: above the sum of the event
   * limits, so only a client that ignores its refusals reaches it; it is then cut off before
   * socket.io decodes any more of its messages.
   */
  messages: RateLimit;
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
  refusedPerIp: { burst: 30, perSecond: 1 },
  // A well-behaved client is refused rarely (a late signal, an expired token); 20 is many.
  strikes: { burst: 20, perSecond: 0.2 },
  messages: { burst: 300, perSecond: 150 },
};

export type SocketLimit = 'signal' | 'join' | 'iceRefresh' | 'report' | 'strikes';
export type SocketBuckets = Record<SocketLimit, TokenBucket>;

/** The limiters of one server: per-IP buckets shared by all sockets, per-socket buckets apart. */
export class Limiters {
  private readonly joinPerIp: KeyedRateLimiter;
  private readonly iceRefreshPerIp: KeyedRateLimiter;
  private readonly refusedPerIp: KeyedRateLimiter;

  constructor(
    readonly limits: RateLimits,
    private readonly now: () => number,
  ) {
    this.joinPerIp = new KeyedRateLimiter(limits.joinPerIp);
    this.iceRefreshPerIp = new KeyedRateLimiter(limits.iceRefreshPerIp);
    this.refusedPerIp = new KeyedRateLimiter(limits.refusedPerIp);
  }

  /** Full buckets for a new socket. */
  socketBuckets(): SocketBuckets {
    const now = this.now();
    return {
      signal: fullBucket(this.limits.signal, now),
      join: fullBucket(this.limits.join, now),
      iceRefresh: fullBucket(this.limits.iceRefresh, now),
      report: fullBucket(this.limits.report, now),
      strikes: fullBucket(this.limits.strikes, now),
    };
  }

  /** A full bucket of `messages` for a new transport connection. */
  messageBucket(): TokenBucket {
    return fullBucket(this.limits.messages, this.now());
  }

  /** One inbound message on a transport connection. */
  takeMessage(bucket: TokenBucket): boolean {
    return take(bucket, this.limits.messages, this.now()).ok;
  }

  /**
   * One request of kind `limit` from a socket; ICE refreshes also count against the client's
   * `subnet` (`subnetKey` of its address, worked out once per connection).
   */
  take(limit: SocketLimit, buckets: SocketBuckets, subnet: string): TakeResult {
    const now = this.now();
    const own = take(buckets[limit], this.limits[limit], now);
    if (!own.ok) return own;
    if (limit === 'iceRefresh') return this.iceRefreshPerIp.take(subnet, now);
    return own;
  }

  /**
   * An authorized join or `GET /ice` from `subnet`: both hand out credentials, so they share one
   * budget. Charged after authorization, so refused requests never spend it.
   */
  takeAuthorized(subnet: string): TakeResult {
    return this.joinPerIp.take(subnet, this.now());
  }

  /** A request from `subnet` the authorize hook refused. */
  takeRefused(subnet: string): TakeResult {
    return this.refusedPerIp.take(subnet, this.now());
  }
}

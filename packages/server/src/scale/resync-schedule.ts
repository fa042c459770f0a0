/**
 * When the Redis roster writes its node's peers again (its resync): one at a time, soon after a
 * failover is learnt (however many events announce it), and again after a short backoff while it
 * fails, instead of waiting for the next heartbeat: a peer whose entries a failover lost is missing
 * from its room until then, unseen by other nodes' joiners and unreachable by their signals.
 */

/** The events of one failover (a slot map refresh per client, MOVED answers) make one resync. */
export const FAILOVER_SETTLE_MS = 100;
/**
 * A failed resync is tried again this soon, then twice as late each time (the roster's up to half
 * a heartbeat).
 */
export const FIRST_RETRY_MS = 250;

export interface ResyncScheduleOptions {
  /**
   * How long a resync asked for with `soon` waits: the events of one failover (a slot map
   * refresh per shard, a MOVED answer) come within it, and make one resync.
   */
  settleMs: number;
  /** The wait before the first retry of a failed resync; it doubles with each failure. */
  firstRetryMs: number;
  /** The longest wait between two retries: below the heartbeat, which would otherwise retry. */
  maxRetryMs: number;
}

export interface ResyncSchedule {
  /** A resync after `settleMs` (one already waiting to start stands for it). */
  soon(): void;
  /** A resync at once, or right after the one under way. */
  now(): void;
  /** No resync starts any more; one under way finishes. */
  stop(): void;
}

/**
 * `resync` writes the peers again and rejects when it could not; it starts only while `canRun`
 * (Redis reachable: once back, the caller asks again). A resync asked for while one runs follows
 * it, as the one under way may have read Redis before the change.
 */
export function resyncSchedule(
  resync: () => Promise<void>,
  canRun: () => boolean,
  o: ResyncScheduleOptions,
): ResyncSchedule {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let stopped = false;
  let retryMs = o.firstRetryMs;

  const after = (delayMs: number) => {
    if (stopped || timer !== null) return;
    timer = setTimeout(start, delayMs);
    timer.unref();
  };
  const start = () => {
    timer = null;
    if (stopped || !canRun()) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    resync().then(
      () => {
        running = false;
        retryMs = o.firstRetryMs;
        if (again) {
          again = false;
          after(0);
        }
      },
      () => {
        running = false;
        again = false;
        after(retryMs);
        retryMs = Math.min(2 * retryMs, o.maxRetryMs);
      },
    );
  };

  return {
    soon: () => after(o.settleMs),
    now: () => after(0),
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

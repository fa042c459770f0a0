/**
 * When a Redis Cluster's slots move to other primaries: a failover (a replica promoted in place of
 * a primary that died) or a resharding. Replication is asynchronous, so the new primary may lack
 * writes the old one acknowledged; whoever wrote to those slots must write again.
 *
 * ioredis (6.0.0) says so only through its slot map: it emits `refresh` after each `CLUSTER SLOTS`
 * it has read (every `slotsRefreshMs`, and at once after a MOVED answer), whether or not anything
 * changed. Its `+node` and `-node` are no failover signal: during one, the dead primary's
 * connection ends (`-node`) and is made again at every refresh while the cluster still lists it
 * (`+node`), long before a replica takes over. A lost connection is the sign to look at the map
 * more often, though: until the map has changed, or for as long as a failover may take.
 */
import type { Cluster } from 'ioredis';

/** The number of hash slots of every Redis Cluster. */
const SLOTS = 16_384;

export interface PrimariesWatchOptions {
  /** How often to read the slot map after a connection to a node was lost. */
  lostNodeRefreshMs: number;
  /**
   * For how long after the loss: Redis's default node timeout (15 s) and the replicas' election;
   * the regular refresh (`slotsRefreshMs`) goes on after it.
   */
  lostNodeWatchMs: number;
}

export const primariesWatchDefaults: PrimariesWatchOptions = {
  lostNodeRefreshMs: 250,
  lostNodeWatchMs: 30_000,
};

/**
 * Calls `onMoved` each time a refresh of `cluster`'s slot map finds a slot served by another
 * primary than at the refresh before (not at the first, which only learns the map). Answers a
 * function that stops watching.
 */
export function onPrimariesMoved(
  cluster: Cluster,
  onMoved: () => void,
  o: PrimariesWatchOptions = primariesWatchDefaults,
): () => void {
  let known: string | null = null;
  let watching: ReturnType<typeof setInterval> | null = null;
  let watchUntil = 0;
  const stopFastRefresh = () => {
    if (watching !== null) clearInterval(watching);
    watching = null;
  };
  const refreshed = () => {
    const now = primariesBySlot(cluster.slots);
    if (now === known) return;
    const first = known === null;
    known = now;
    stopFastRefresh();
    if (!first) onMoved();
  };
  const lostNode = () => {
    watchUntil = Date.now() + o.lostNodeWatchMs;
    if (watching !== null) return;
    watching = setInterval(() => {
      if (Date.now() > watchUntil) stopFastRefresh();
      else cluster.refreshSlotsCache();
    }, o.lostNodeRefreshMs);
    watching.unref();
  };
  cluster.on('refresh', refreshed);
  cluster.on('-node', lostNode);
  return () => {
    stopFastRefresh();
    cluster.off('refresh', refreshed);
    cluster.off('-node', lostNode);
  };
}

/**
 * The primary of every slot as one string of ranges (`0=host:port 5461=host:port …`): each slot's
 * first node is its primary, the others its replicas, which may change without a failover.
 */
export function primariesBySlot(slots: ReadonlyArray<readonly string[] | undefined>): string {
  const ranges: string[] = [];
  let previous: string | undefined;
  for (let slot = 0; slot < SLOTS; slot++) {
    const primary = slots[slot]?.[0] ?? '';
    if (primary !== previous) ranges.push(`${slot}=${primary}`);
    previous = primary;
  }
  return ranges.join(' ');
}

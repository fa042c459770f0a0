/**
 * The peers that left a node lately, their removal from Redis acknowledged. A failover may undo
 * such a removal: the primary that acknowledged it may die before its replica had it, and the
 * promoted replica holds the peer's room entry again while the node's list, on another shard or
 * written after, names the peer no more. The resync after a failover looks for these peers too,
 * or they would stay in their room for good, ghosts every newcomer is told of.
 */

export interface RecentLeaves {
  /** `peerId` left `room` now, and its room entry was removed. */
  add(peerId: string, room: string): void;
  /** The room `peerId` left lately, if it did. */
  roomOf(peerId: string): string | undefined;
  /** Peer id → room of every leave remembered. */
  all(): Array<[string, string]>;
  /**
   * Forgets the leaves older than the window. Called only while Redis answers: once it is away,
   * the leaves just before stay remembered until the resync after it.
   */
  forgetOld(): void;
  /** From now on, remembers each leave for `windowMs` (see `recentLeaves`). */
  setWindow(windowMs: number): void;
}

/**
 * `windowMs`: how long a leave is remembered; longer than a failover may take to be learnt of
 * after the kill (on a Cluster the node timeout, the replicas' election and a slot refresh).
 * `most`: how many at most, the oldest forgotten first, should Redis stay unsettled for long.
 */
export function recentLeaves(
  windowMs: number,
  most: number,
  now: () => number = Date.now,
): RecentLeaves {
  let window = windowMs;
  // In the order of the leaves, as a Map keeps its insertion order: the oldest come first.
  const leaves = new Map<string, { room: string; at: number }>();
  return {
    add: (peerId, room) => {
      leaves.delete(peerId);
      leaves.set(peerId, { room, at: now() });
      if (leaves.size > most) leaves.delete(leaves.keys().next().value!);
    },
    roomOf: (peerId) => leaves.get(peerId)?.room,
    all: () => [...leaves].map(([peerId, { room }]) => [peerId, room]),
    forgetOld: () => {
      const oldest = now() - window;
      for (const [peerId, { at }] of leaves) {
        if (at > oldest) return;
        leaves.delete(peerId);
      }
    },
    setWindow: (ms) => {
      window = ms;
    },
  };
}

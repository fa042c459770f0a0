/**
 * The Redis roster's side of the nodes' liveness: this node's heartbeat, which also finds the
 * nodes that stopped beating; the clearing of a dead node's peers, room by room, with their rooms
 * told; and, after an outage, a failed write or a failover, this node's peers written again, so
 * that Redis holds exactly the peers in its memory. How liveness is judged is in
 * `roster-scripts.ts`; when a resync runs, in `resync-schedule.ts`.
 */
import type { Peer, RoomRegistry } from '../signaling/rooms.js';
import type { RedisLink } from './redis-link.js';
import type { RedisRosterOptions } from './redis-options.js';
import type { RosterKeys } from './roster-keys.js';
import { CLEAR, HEARTBEAT } from './roster-scripts.js';
import { recentLeaves } from './recent-leaves.js';
import { FAILOVER_SETTLE_MS, FIRST_RETRY_MS, resyncSchedule } from './resync-schedule.js';
import { storedEntry } from './stored-peer.js';
import { inFlight, RESYNC_IN_FLIGHT } from './in-flight.js';

/**
 * How long a leave may be undone by a failover until Redis has told this node how soon it judges
 * a primary failed (failover-window.ts), and on a single Redis, which keeps it only against a
 * restart from an older snapshot.
 */
const UNDONE_LEAVE_WINDOW_MS = 30_000;
/** At most this many of them (some 100 bytes each): a minute of a thousand leaves a second. */
const UNDONE_LEAVES_KEPT = 60_000;

export interface RosterLivenessDeps {
  link: RedisLink;
  /** This node's peers. */
  registry: RoomRegistry;
  /**
   * A peer of a dead node (or one that left during an outage, or whose leave a failover undid)
   * was cleared: tell its room.
   */
  onGone: (room: string, peerId: string) => void;
  /**
   * `peer`'s room entry was missing (a failover lost its join's write, or Redis came back empty)
   * and the resync wrote it again: peers that joined meanwhile were not told of it. Tell its room.
   */
  onBack?: (peer: Peer) => void;
  keys: RosterKeys;
  options: RedisRosterOptions;
  /** Runs Redis work in the background; a failure calls `markDirty` through the roster. */
  track: (work: Promise<unknown>) => void;
}

export interface RosterLiveness {
  /** The nodes found dead as of this node's last heartbeat: the room scripts drop their peers. */
  deadNodes(): string[];
  /**
   * A write failed while Redis was reachable: write this node's peers again at the next beat (and,
   * should that fail, again soon after, until it succeeds).
   */
  markDirty(): void;
  /**
   * `peer`'s entry in this node's list failed to be written, though its room's entry may have
   * been: the next resync lists it, or clears it from its room if it has left by then.
   */
  unlisted(peer: Peer): void;
  /**
   * `peer` left and its room entry is gone: nothing is left for a resync to clear, unless a
   * failover brings the entry back.
   */
  cleared(peer: Peer): void;
  /**
   * `peer`'s claim has begun: until the returned function is called (once the claim has settled
   * and, when admitted, the peer is in the registry), no resync takes it for a peer that left.
   */
  claiming(peer: Peer): () => void;
  /** Stops the heartbeat and the resyncs. */
  stop(): void;
}

export function rosterLiveness(deps: RosterLivenessDeps): RosterLiveness {
  const { link, registry, onGone, onBack = () => {}, keys, options: o, track } = deps;
  const redis = link.commands;
  const ownPeers = keys.nodePeers(o.nodeId);
  // On a Cluster, one shard may fail over while the others answer: a write lost then is made
  // good by writing everything again.
  let dirty = false;
  // This node judges others only once it has been connected for a whole liveness period: just
  // back from an outage, it cannot tell who could not reach Redis meanwhile.
  let readySince = Number.POSITIVE_INFINITY;
  const judge = () => (Date.now() - readySince >= o.livenessMs ? 1 : 0);
  let deadNodes: string[] = [];
  // Peer id → room of the peers whose room entry may exist without this node's list naming them.
  // A resync finds the peers that left by the list alone: a peer left out of it that leaves while
  // Redis is away would stay in its room for good, a ghost every newcomer is told of.
  const unlisted = new Map<string, string>();
  // Peer id → room of the claims under way: their list entry is written before the claim's answer
  // and their registry entry only after it, so a resync in between would find them in the list
  // and not in memory, clear a peer just admitted and announce it gone.
  const claims = new Map<string, string>();
  const here = (room: string, peerId: string) =>
    registry.inRoom(room, peerId) !== undefined || claims.get(peerId) === room;
  const leaves = recentLeaves(UNDONE_LEAVE_WINDOW_MS, UNDONE_LEAVES_KEPT);
  // Failovers (or outages) seen, and how many of them a resync has made good for the leaves.
  let failovers = 0;
  let leavesSafeUpTo = 0;

  const heartbeat = async () => {
    const [, dead] = (await redis.eval(
      HEARTBEAT,
      keys.nodes.length,
      ...keys.nodes,
      o.nodeId,
      o.livenessMs,
      o.pauseGapMs,
      judge(),
      o.deadMemoryMs,
    )) as [string[], string[]];
    deadNodes = dead;
    // Every node clears what is left of every dead node, not only the one that found it dead:
    // its answer may be lost (a command timeout), or it may die itself before it is done.
    for (const node of dead) await clearNode(node);
  };

  /**
   * Clears the peers of a dead node, room by room, and tells their rooms; its list goes last, so
   * a clearing cut short is done again at the next heartbeat. Nodes clearing the same dead node
   * at once tell each room once: only one of them removes each peer.
   */
  const clearNode = async (node: string) => {
    const list = keys.nodePeers(node);
    const peers = (await redis.hgetall(list)) as Record<string, string>;
    const cleared = await inFlight(
      Object.entries(peers),
      RESYNC_IN_FLIGHT,
      async ([peerId, room]) => {
        const removed = await redis.eval(CLEAR, 1, keys.room(room), peerId, node);
        return removed === 1 ? ([room, peerId] as const) : null;
      },
    );
    for (const entry of cleared) if (entry) onGone(entry[0], entry[1]);
    await redis.del(list);
  };

  /**
   * After an outage, a failover (or at start): this node's peers in Redis are exactly its peers in
   * memory, and the peers that left it lately are in no room.
   * Its list is written before any room entry, and an entry is cleared before its list entry: a
   * resync cut short leaves nothing the next one cannot find.
   */
  const resync = async () => {
    dirty = false;
    const upTo = failovers;
    const undone = upTo > leavesSafeUpTo ? leaves.all() : [];
    const relisting = [...unlisted];
    await heartbeat();
    const written = (await redis.hgetall(ownPeers)) as Record<string, string>;
    const named = new Map([...Object.entries(written), ...relisting]);
    const left = [...named].filter(([peerId, room]) => !here(room, peerId));
    // One command per key (on a Cluster the rooms live on different slots), a bounded number at
    // once (in-flight.ts), so the resync lasts longer than one tick: each peer is looked up right
    // before its command. One that left since is not written back (its leave's removal, already
    // sent on the same connection, would be undone); one that rejoined under the same id is
    // written as it is now, and not announced gone.
    const present = registry.all();
    await inFlight(present, RESYNC_IN_FLIGHT, async ({ peerId, room }) => {
      if (registry.inRoom(room, peerId)) await redis.hset(ownPeers, peerId, room);
    });
    type Cleared = readonly [peerId: string, room: string, undone?: 'undone'] | null;
    const back: Peer[] = [];
    const steps: Array<() => Promise<Cleared>> = [
      ...left.map(([peerId, room]) => async (): Promise<Cleared> => {
        if (here(room, peerId)) return null;
        await redis.eval(CLEAR, 1, keys.room(room), peerId, o.nodeId);
        if (here(room, peerId)) return null;
        await redis.hdel(ownPeers, peerId);
        return [peerId, room];
      }),
      ...present.map(({ peerId, room }) => async (): Promise<Cleared> => {
        const now = registry.inRoom(room, peerId);
        if (now && (await redis.hset(keys.room(room), peerId, storedEntry(now, o.nodeId))) === 1) {
          back.push(now);
        }
        return null;
      }),
      // Their rooms were told when they left, but a joiner since the failover may have been told
      // of them by another node: an entry found again is announced gone once more. A member that
      // heard the first leave has no link to the peer any more, and ignores it.
      ...undone.map(([peerId, room]) => async (): Promise<Cleared> => {
        if (here(room, peerId)) return null;
        const removed = await redis.eval(CLEAR, 1, keys.room(room), peerId, o.nodeId);
        return removed === 1 ? [peerId, room, 'undone'] : null;
      }),
    ];
    const cleared = await inFlight(steps, RESYNC_IN_FLIGHT, (step) => step());
    for (const [peerId] of relisting) unlisted.delete(peerId);
    leavesSafeUpTo = Math.max(leavesSafeUpTo, upTo);
    for (const peer of back) if (registry.inRoom(peer.room, peer.peerId) === peer) onBack(peer);
    for (const entry of cleared) {
      if (!entry) continue;
      const [peerId, room, undoneLeave] = entry;
      if (here(room, peerId)) continue;
      if (undoneLeave || leaves.roomOf(peerId) !== room) onGone(room, peerId);
    }
  };

  const maxRetryMs = o.heartbeatMs / 2;
  const schedule = resyncSchedule(
    () => {
      const work = resync();
      track(work);
      return work;
    },
    link.available,
    {
      settleMs: FAILOVER_SETTLE_MS,
      firstRetryMs: Math.min(FIRST_RETRY_MS, maxRetryMs),
      maxRetryMs,
    },
  );
  link.onReady(() => {
    readySince = Date.now();
    failovers++;
    schedule.now();
    // Asked again after each outage: the Redis this node is back to may be configured otherwise.
    link.undoneWriteWindowMs().then(
      (windowMs) => leaves.setWindow(windowMs ?? UNDONE_LEAVE_WINDOW_MS),
      () => {},
    );
  });
  // A write the old primary acknowledged may be missing from the new one: nothing failed here,
  // so without this the peers it named would be missing from Redis until a later write failed.
  link.onMoved(() => {
    dirty = true;
    failovers++;
    schedule.soon();
  });
  const timer = setInterval(() => {
    if (!link.available()) return;
    // Not while a failover's resync is still to succeed: it needs them all.
    if (leavesSafeUpTo === failovers) leaves.forgetOld();
    if (dirty) schedule.now();
    else track(heartbeat());
  }, o.heartbeatMs);
  timer.unref();

  return {
    deadNodes: () => deadNodes,
    markDirty: () => {
      dirty = true;
    },
    unlisted: (peer) => {
      unlisted.set(peer.peerId, peer.room);
    },
    cleared: (peer) => {
      unlisted.delete(peer.peerId);
      leaves.add(peer.peerId, peer.room);
    },
    claiming: (peer) => {
      claims.set(peer.peerId, peer.room);
      return () => {
        if (claims.get(peer.peerId) === peer.room) claims.delete(peer.peerId);
      };
    },
    stop: () => {
      clearInterval(timer);
      schedule.stop();
    },
  };
}

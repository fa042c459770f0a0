/**
 * The roster shared by several nodes through Redis: one room cap across nodes, the peers of every
 * node in a join answer, and where a signal for a peer on another node goes (`node-signals.ts`
 * carries it there).
 *
 * Each node also keeps its own peers in memory. While Redis is away, the node answers from that
 * alone (its own peers only); when Redis is back, it writes its peers again and clears those that
 * left meanwhile. A node that dies stops renewing its liveness, and the others clear its peers
 * and tell their rooms; a Redis that was paused is not taken for dead nodes (see
 * `roster-liveness.ts` and `roster-scripts.ts`).
 */
import type { Logger } from '../observability/logger.js';
import { randomId } from '../clients/ids.js';
import type { Peer, RoomRegistry } from '../signaling/rooms.js';
import type { RedisLink } from './redis-link.js';
import type { NodeSignals } from './node-signals.js';
import { redisRosterDefaults, type RedisRosterOptions } from './redis-options.js';
import { rosterKeys } from './roster-keys.js';
import { CLAIM, COUNT, EVICT } from './roster-scripts.js';
import { rosterLiveness } from './roster-liveness.js';
import { inJoinOrder, parseStored, storedEntry } from './stored-peer.js';
import {
  claimLocally,
  evictLocally,
  locateLocally,
  type ClaimResult,
  type Roster,
} from '../signaling/roster.js';

export interface RedisRosterDeps {
  link: RedisLink;
  /** This node's peers. */
  registry: RoomRegistry;
  /** A peer of a dead node (or one that left during an outage) was cleared: tell its room. */
  onGone: (room: string, peerId: string) => void;
  /** A peer's room entry, lost, was written again: tell its room (roster-liveness.ts). */
  onBack?: (peer: Peer) => void;
  logger: Logger;
  /** Carries signals to the other nodes with confirmation. */
  signals: NodeSignals;
}

export function redisRoster(
  deps: RedisRosterDeps,
  options: Partial<RedisRosterOptions> = {},
): Roster {
  const o: RedisRosterOptions = { ...redisRosterDefaults, nodeId: randomId(), ...options };
  if (!(o.heartbeatMs < o.pauseGapMs && o.pauseGapMs + o.heartbeatMs < o.livenessMs)) {
    throw new RangeError('redis roster: need heartbeatMs < pauseGapMs < livenessMs - heartbeatMs');
  }
  const { link, registry, onGone, onBack, logger, signals } = deps;
  const redis = link.commands;
  const keys = rosterKeys(o.keyPrefix);
  const ownPeers = keys.nodePeers(o.nodeId);
  const pending = new Set<Promise<unknown>>();
  // A write failed while Redis was reachable: the next heartbeat writes this node's peers again.
  // (`liveness` is made below; a write fails only after an await, when it exists.)
  const failed = (error: unknown) => {
    liveness.markDirty();
    link.commandFailed(error);
  };
  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => {
      failed(error);
      logger.debug('redis roster write failed', { error });
    });
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  // A rejoin on another node replaced one of this node's peers: forget it, so the end of its old
  // connection announces nothing (the rejoin told the room already).
  void link.subscriber.subscribe(keys.evicted).catch(() => {});
  const onEvicted = (channel: string, message: string) => {
    if (channel !== keys.evicted) return;
    const evicted = parseEvicted(message);
    if (evicted?.[0] !== o.nodeId) return;
    const [, peerId, socketId] = evicted;
    if (registry.get(peerId)?.socketId === socketId) registry.remove(peerId);
  };
  link.subscriber.on('message', onEvicted);

  const liveness = rosterLiveness({ link, registry, onGone, onBack, keys, options: o, track });

  const claimShared = async (peer: Peer, cap: number): Promise<ClaimResult> => {
    const settled = liveness.claiming(peer);
    try {
      return await claimInRedis(peer, cap);
    } finally {
      settled();
    }
  };

  const claimInRedis = async (peer: Peer, cap: number): Promise<ClaimResult> => {
    // Written before (or with) the room entry, so a node found dead has every peer listed; if it
    // dies in between, the room scripts drop the entry as one of a dead node.
    const listed = redis.hset(ownPeers, peer.peerId, peer.room).catch((error: unknown) => {
      // The claim may still go through: a Cluster keeps the list and the room on other shards.
      liveness.unlisted(peer);
      throw error;
    });
    const claimed = redis.eval(
      CLAIM,
      1,
      keys.room(peer.room),
      cap,
      peer.peerId,
      storedEntry(peer, o.nodeId),
      ...liveness.deadNodes(),
    ) as Promise<[number, string[], string[]]>;
    const [, [ok, others, gone]] = await Promise.all([listed, claimed]);
    for (const peerId of gone) onGone(peer.room, peerId);
    if (ok !== 1) {
      track(redis.hdel(ownPeers, peer.peerId));
      return { ok: false };
    }
    registry.add(peer);
    return { ok: true, others: inJoinOrder(others) };
  };

  const remove = (peer: Peer) => {
    registry.remove(peer.peerId);
    // While Redis is away the entry stays there; the resync after the outage clears it.
    if (!link.available()) return;
    // The list entry goes last: should the room's fail, the resync finds the peer by it.
    track(
      redis.hdel(keys.room(peer.room), peer.peerId).then(() => {
        liveness.cleared(peer);
        return redis.hdel(ownPeers, peer.peerId);
      }),
    );
  };

  return {
    local: registry,

    async size(room) {
      if (link.available()) {
        try {
          return (await redis.eval(COUNT, 1, keys.room(room), ...liveness.deadNodes())) as number;
        } catch (error) {
          // Redis went away during the call: count as a single node.
          failed(error);
        }
      }
      return registry.size(room);
    },

    async claim(peer, cap) {
      if (link.available()) {
        try {
          return await claimShared(peer, cap);
        } catch (error) {
          failed(error);
          logger.debug('redis roster claim failed; admitting on this node alone', { error });
        }
      }
      return claimLocally(registry, peer, cap);
    },

    async locate(room, peerId) {
      const local = locateLocally(registry, room, peerId);
      if (local) return local;
      // Not on this node, and only Redis could say whether it is on another.
      if (!link.available()) return 'unreachable';
      try {
        const raw = await redis.hget(keys.room(room), peerId);
        const peer = raw === null ? null : parseStored(raw);
        if (!peer) return null;
        const { socketId, nodeId } = peer;
        return {
          socketId,
          local: false,
          send: (message) => signals.send(nodeId, socketId, message),
        };
      } catch (error) {
        link.commandFailed(error);
        return 'unreachable';
      }
    },

    remove,

    async evict(room, peerId, proof) {
      const here = registry.inRoom(room, peerId);
      if (here) {
        const location = evictLocally(registry, room, peerId, proof);
        if (location) remove(here);
        return location;
      }
      if (!link.available()) return null;
      try {
        const found = (await redis.eval(EVICT, 1, keys.room(room), peerId, proof, keys.evicted)) as
          [string, string] | null;
        if (!found) return null;
        track(redis.hdel(keys.nodePeers(found[1]), peerId));
        return { socketId: found[0], local: false };
      } catch (error) {
        link.commandFailed(error);
        return null;
      }
    },

    async close() {
      liveness.stop();
      link.subscriber.off('message', onEvicted);
      signals.close();
      await Promise.all(pending);
      if (!link.available()) return;
      const [beats, , set] = keys.nodes;
      await Promise.all([
        redis.del(ownPeers),
        redis.multi().hdel(beats, o.nodeId).srem(set, o.nodeId).exec(),
      ]).catch(() => {});
    },
  };
}

function parseEvicted(message: string): [string, string, string] | null {
  try {
    const value: unknown = JSON.parse(message);
    return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')
      ? (value as [string, string, string])
      : null;
  } catch {
    return null;
  }
}

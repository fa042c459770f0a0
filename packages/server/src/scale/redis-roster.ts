/**
 * The roster shared by several nodes through Redis: one room cap across nodes, the peers of every
 * node in a join answer, and the socket id a signal for a peer on another node goes to (the
 * socket.io Redis adapter carries it there).
 *
 * Each node also keeps its own peers in memory. While Redis is away, the node answers from that
 * alone (its own peers only); when Redis is back, it writes its peers again and clears those that
 * left meanwhile. A node that dies stops renewing its liveness, and the others clear its peers
 * and tell their rooms; a Redis that was paused is not taken for dead nodes (see
 * `roster-scripts.ts`).
 */
import type { Logger } from '../observability/logger.js';
import { randomId } from '../clients/ids.js';
import type { Peer, RoomRegistry } from '../signaling/rooms.js';
import type { RedisLink } from './redis-link.js';
import { redisRosterDefaults, type RedisRosterOptions } from './redis-options.js';
import { CLAIM, COUNT, EVICT, HEARTBEAT } from './roster-scripts.js';
import { inJoinOrder, parseStored, type StoredPeer } from './stored-peer.js';
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
  logger: Logger;
}

export function redisRoster(
  deps: RedisRosterDeps,
  options: Partial<RedisRosterOptions> = {},
): Roster {
  const o: RedisRosterOptions = { ...redisRosterDefaults, nodeId: randomId(), ...options };
  if (!(o.heartbeatMs < o.pauseGapMs && o.pauseGapMs + o.heartbeatMs < o.livenessMs)) {
    throw new RangeError('redis roster: need heartbeatMs < pauseGapMs < livenessMs - heartbeatMs');
  }
  const { link, registry, onGone, logger } = deps;
  const redis = link.commands;
  const roomKey = (room: string) => `${o.keyPrefix}room:${room}`;
  const nodePeersKey = `${o.keyPrefix}node-peers:${o.nodeId}`;
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const settled = work.catch((error: unknown) => {
      link.commandFailed(error);
      logger.debug('redis roster write failed', { error });
    });
    pending.add(settled);
    void settled.finally(() => pending.delete(settled));
  };

  const stored = (peer: Peer): string => {
    const entry: StoredPeer = {
      peerId: peer.peerId,
      socketId: peer.socketId,
      nodeId: o.nodeId,
      joinedAt: Date.now(),
      ...(peer.resumeProof !== undefined && { resume: peer.resumeProof }),
      ...(peer.name !== undefined && { name: peer.name }),
      ...(peer.meta !== undefined && { meta: peer.meta }),
      ...(peer.rejoinOf !== undefined && { rejoinOf: peer.rejoinOf }),
    };
    return JSON.stringify(entry);
  };

  // This node judges others only once it has been connected for a whole liveness period: just
  // back from an outage, it cannot tell who could not reach Redis meanwhile.
  let readySince = Number.POSITIVE_INFINITY;
  const judge = () => (Date.now() - readySince >= o.livenessMs ? 1 : 0);
  const liveness = () => [o.livenessMs, o.pauseGapMs, judge()] as const;

  const heartbeat = async () => {
    const gone = (await redis.eval(HEARTBEAT, 0, o.keyPrefix, o.nodeId, ...liveness())) as string[];
    for (let i = 0; i + 1 < gone.length; i += 2) onGone(gone[i]!, gone[i + 1]!);
  };

  /** After an outage (or at start): this node's peers in Redis are exactly its peers in memory. */
  const resync = async () => {
    await heartbeat();
    const written = (await redis.hgetall(nodePeersKey)) as Record<string, string>;
    const batch = redis.multi();
    for (const [peerId, room] of Object.entries(written)) {
      if (registry.inRoom(room, peerId)) continue;
      batch.hdel(roomKey(room), peerId).hdel(nodePeersKey, peerId);
    }
    for (const peer of registry.all()) {
      batch.hset(roomKey(peer.room), peer.peerId, stored(peer));
      batch.hset(nodePeersKey, peer.peerId, peer.room);
    }
    await batch.exec();
    for (const [peerId, room] of Object.entries(written)) {
      if (!registry.inRoom(room, peerId)) onGone(room, peerId);
    }
  };

  // A rejoin on another node replaced one of this node's peers: forget it, so the end of its old
  // connection announces nothing (the rejoin told the room already).
  const evictedChannel = `${o.keyPrefix}evicted`;
  void link.subscriber.subscribe(evictedChannel).catch(() => {});
  const onEvicted = (channel: string, message: string) => {
    if (channel !== evictedChannel) return;
    const evicted = parseEvicted(message);
    if (evicted?.[0] !== o.nodeId) return;
    const [, peerId, socketId] = evicted;
    if (registry.get(peerId)?.socketId === socketId) registry.remove(peerId);
  };
  link.subscriber.on('message', onEvicted);

  link.onReady(() => {
    readySince = Date.now();
    track(resync());
  });
  const timer = setInterval(() => {
    if (link.available()) track(heartbeat());
  }, o.heartbeatMs);
  timer.unref();

  const claimShared = async (peer: Peer, cap: number): Promise<ClaimResult> => {
    const [ok, others, gone] = (await redis.eval(
      CLAIM,
      2,
      roomKey(peer.room),
      nodePeersKey,
      cap,
      peer.peerId,
      stored(peer),
      peer.room,
      o.keyPrefix,
      o.nodeId,
      ...liveness(),
    )) as [number, string[], string[]];
    for (const peerId of gone) onGone(peer.room, peerId);
    if (ok !== 1) return { ok: false };
    registry.add(peer);
    return { ok: true, others: inJoinOrder(others) };
  };

  const remove = (peer: Peer) => {
    registry.remove(peer.peerId);
    // While Redis is away the entry stays there; the resync after the outage clears it.
    if (!link.available()) return;
    track(
      redis.multi().hdel(roomKey(peer.room), peer.peerId).hdel(nodePeersKey, peer.peerId).exec(),
    );
  };

  return {
    local: registry,

    async size(room) {
      if (link.available()) {
        try {
          return (await redis.eval(COUNT, 1, roomKey(room), o.keyPrefix, ...liveness())) as number;
        } catch (error) {
          // Redis went away during the call: count as a single node.
          link.commandFailed(error);
        }
      }
      return registry.size(room);
    },

    async claim(peer, cap) {
      if (link.available()) {
        try {
          return await claimShared(peer, cap);
        } catch (error) {
          link.commandFailed(error);
          logger.debug('redis roster claim failed; admitting on this node alone', { error });
        }
      }
      return claimLocally(registry, peer, cap);
    },

    async locate(room, peerId) {
      const local = locateLocally(registry, room, peerId);
      if (local) return local;
      if (!link.available()) return null;
      try {
        const raw = await redis.hget(roomKey(room), peerId);
        const socketId = raw === null ? null : (parseStored(raw)?.socketId ?? null);
        return socketId === null ? null : { socketId, local: false };
      } catch (error) {
        link.commandFailed(error);
        return null;
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
        const found = (await redis.eval(EVICT, 1, roomKey(room), peerId, proof, o.keyPrefix)) as
          [string, string] | null;
        return found ? { socketId: found[0], local: false } : null;
      } catch (error) {
        link.commandFailed(error);
        return null;
      }
    },

    async close() {
      clearInterval(timer);
      link.subscriber.off('message', onEvicted);
      await Promise.all(pending);
      if (!link.available()) return;
      await redis
        .multi()
        .del(`${o.keyPrefix}node:${o.nodeId}`, nodePeersKey)
        .hdel(`${o.keyPrefix}beats`, o.nodeId)
        .srem(`${o.keyPrefix}nodes`, o.nodeId)
        .exec()
        .catch(() => {});
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

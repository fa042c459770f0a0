/**
 * The roster shared by several nodes through Redis: one room cap across nodes, the peers of every
 * node in a join answer, and the socket id a signal for a peer on another node goes to (the
 * socket.io Redis adapter carries it there).
 *
 * Each node also keeps its own peers in memory. While Redis is away, the node answers from that
 * alone (its own peers only); when Redis is back, it writes its peers again and clears those that
 * left meanwhile. A node that dies stops renewing its liveness, and the others clear its peers
 * and tell their rooms.
 */
import type { PeerInfo, PeerMeta } from '@icelane/protocol';
import type { Logger } from '../observability/logger.js';
import { randomId } from '../signaling/ids.js';
import type { Peer, RoomRegistry } from '../signaling/rooms.js';
import type { RedisLink } from './redis-link.js';
import { CLAIM, COUNT, HEARTBEAT } from './roster-scripts.js';
import { claimLocally, locateLocally, type ClaimResult, type Roster } from './roster.js';

export interface RedisRosterOptions {
  /** Prefix of every key the roster writes. */
  keyPrefix: string;
  /** This node's id in Redis; random by default. */
  nodeId: string;
  /** How often this node renews its liveness and clears the peers of dead nodes. */
  heartbeatMs: number;
  /** How long a node counts as alive after its last heartbeat. */
  livenessMs: number;
}

export const redisRosterDefaults: Omit<RedisRosterOptions, 'nodeId'> = {
  keyPrefix: 'icelane:',
  heartbeatMs: 5_000,
  livenessMs: 15_000,
};

export interface RedisRosterDeps {
  link: RedisLink;
  /** This node's peers. */
  registry: RoomRegistry;
  /** A peer of a dead node (or one that left during an outage) was cleared: tell its room. */
  onGone: (room: string, peerId: string) => void;
  logger: Logger;
}

/** A peer as stored in its room's hash. */
interface StoredPeer {
  peerId: string;
  socketId: string;
  nodeId: string;
  joinedAt: number;
  name?: string;
  meta?: PeerMeta;
}

export function redisRoster(
  deps: RedisRosterDeps,
  options: Partial<RedisRosterOptions> = {},
): Roster {
  const o: RedisRosterOptions = { ...redisRosterDefaults, nodeId: randomId(), ...options };
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
      ...(peer.name !== undefined && { name: peer.name }),
      ...(peer.meta !== undefined && { meta: peer.meta }),
    };
    return JSON.stringify(entry);
  };

  const heartbeat = async () => {
    const gone = (await redis.eval(HEARTBEAT, 0, o.keyPrefix, o.nodeId, o.livenessMs)) as string[];
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

  link.onReady(() => track(resync()));
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
      o.livenessMs,
    )) as [number, string[], string[]];
    for (const peerId of gone) onGone(peer.room, peerId);
    if (ok !== 1) return { ok: false };
    registry.add(peer);
    return { ok: true, others: inJoinOrder(others) };
  };

  return {
    local: registry,

    async size(room) {
      if (link.available()) {
        try {
          return (await redis.eval(COUNT, 1, roomKey(room), o.keyPrefix)) as number;
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

    remove(peer) {
      registry.remove(peer.peerId);
      // While Redis is away the entry stays there; the resync after the outage clears it.
      if (!link.available()) return;
      track(
        redis.multi().hdel(roomKey(peer.room), peer.peerId).hdel(nodePeersKey, peer.peerId).exec(),
      );
    },

    async close() {
      clearInterval(timer);
      await Promise.all(pending);
      if (!link.available()) return;
      await redis
        .multi()
        .del(`${o.keyPrefix}node:${o.nodeId}`, nodePeersKey)
        .srem(`${o.keyPrefix}nodes`, o.nodeId)
        .exec()
        .catch(() => {});
    },
  };
}

function parseStored(raw: string): StoredPeer | null {
  try {
    const value = JSON.parse(raw) as StoredPeer;
    return typeof value.peerId === 'string' && typeof value.socketId === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** What a newcomer is told of the others, oldest first, as a single node would list them. */
function inJoinOrder(raws: readonly string[]): PeerInfo[] {
  return raws
    .map(parseStored)
    .filter((peer): peer is StoredPeer => peer !== null)
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map(({ peerId, name, meta }) => ({
      peerId,
      ...(name !== undefined && { name }),
      ...(meta !== undefined && { meta }),
    }));
}

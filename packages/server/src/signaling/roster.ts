/**
 * Who is in which room, as the signaling handlers ask it: the room cap, the peers a newcomer is
 * told about, and where a signal for a peer goes. One node answers from its own memory; several
 * nodes answer from Redis (see `redisRoster`), each still keeping its own peers in memory.
 */
import type { PeerInfo, SignalMessage } from '@icelane/protocol';
import { peerInfo, type Peer, type RoomRegistry } from './rooms.js';
import { resumeProofOf } from './resume-proof.js';

export type ClaimResult =
  /** The peer is in the room; `others` were there before it, in join order. */
  | { ok: true; others: PeerInfo[] }
  /** The room already has `cap` peers. */
  | { ok: false };

/** Where a peer's socket is. */
export interface PeerSocket {
  socketId: string;
  /** On this node. */
  local: boolean;
}

/** Where a signal for a peer goes. */
export type PeerLocation =
  /** On this node: delivered here, without a trip through Redis. */
  | { socketId: string; local: true }
  /**
   * On another node: `send` carries a signal there and resolves `true` once the peer's node had
   * it, `false` when it could not (sent again later, it may go through).
   */
  | { socketId: string; local: false; send: (message: SignalMessage) => Promise<boolean> };

/**
 * An answer a single node has at once, or one that waits on Redis. The join awaits only the
 * second: each `await` is a trip through the microtask queue and a promise more per join.
 */
export type Answer<T> = T | Promise<T>;

/**
 * Hands a signal to a socket of this node (a socket that has gone meanwhile drops it). Here, not
 * beside the Redis code that calls it: the public types must not reach ioredis's.
 */
export type DeliverSignal = (socketId: string, message: SignalMessage) => void;

export interface Roster {
  /** Peers in `room` on every node that can be reached. */
  size(room: string): Answer<number>;
  /** Adds `peer` to its room unless the room is full; checking and adding are one step. */
  claim(peer: Peer, cap: number): Answer<ClaimResult>;
  /**
   * The socket that speaks for `peerId` in `room`; `null` for a peer that is not there;
   * `unreachable` when the roster cannot tell just now (its Redis is away or failing over: the
   * peer may well be on another node).
   */
  locate(room: string, peerId: string): Promise<PeerLocation | null | 'unreachable'>;
  /** Takes `peer` out of its room. */
  remove(peer: Peer): void;
  /**
   * Takes `peerId` out of `room` when its resume proof is `proof` (a rejoin replaces it); `null`
   * when no such peer is there or the proof differs.
   */
  evict(room: string, peerId: string, proof: string): Promise<PeerSocket | null>;
  /** The peers of this node, for metrics and id checks. */
  readonly local: RoomRegistry;
  /**
   * `true` when this node's memory is the whole roster (a single node): a room is told of a join
   * or a leave through `local` (room-channel.ts). Absent or `false`: peers on other nodes may be
   * listening, and the room is told through socket.io's rooms and the adapter.
   */
  readonly singleNode?: boolean;
  /** Waits for pending writes. */
  close(): Promise<void>;
}

/** The roster of a single node: its memory is the whole truth. */
export function localRoster(registry: RoomRegistry): Roster {
  return {
    local: registry,
    singleNode: true,
    size: (room) => registry.size(room),
    claim: (peer, cap) => claimLocally(registry, peer, cap),
    locate: (room, peerId) => Promise.resolve(locateLocally(registry, room, peerId)),
    remove: (peer) => void registry.remove(peer.peerId),
    evict: (room, peerId, proof) => Promise.resolve(evictLocally(registry, room, peerId, proof)),
    close: () => Promise.resolve(),
  };
}

export function locateLocally(
  registry: RoomRegistry,
  room: string,
  peerId: string,
): PeerLocation | null {
  const peer = registry.inRoom(room, peerId);
  return peer ? { socketId: peer.socketId, local: true } : null;
}

/** The local half of `evict`: takes the peer out of this node's memory on a matching proof. */
export function evictLocally(
  registry: RoomRegistry,
  room: string,
  peerId: string,
  proof: string,
): PeerSocket | null {
  const peer = registry.inRoom(room, peerId);
  const stored = peer && resumeProofOf(peer);
  if (!peer || stored === undefined || stored !== proof) return null;
  registry.remove(peerId);
  return { socketId: peer.socketId, local: true };
}

/** Checks the cap and adds, in one synchronous step (no other join can come between). */
export function claimLocally(registry: RoomRegistry, peer: Peer, cap: number): ClaimResult {
  if (registry.size(peer.room) >= cap) return { ok: false };
  const others = registry.others(peer.room, peer.peerId).map(peerInfo);
  registry.add(peer);
  return { ok: true, others };
}

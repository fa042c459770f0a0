/**
 * A peer as the Redis roster stores it in its room's hash, and reading it back.
 */
import type { PeerInfo, PeerMeta } from '@icelane/protocol';
import type { Peer } from '../signaling/rooms.js';

/** A peer as stored in its room's hash. */
export interface StoredPeer {
  peerId: string;
  socketId: string;
  nodeId: string;
  joinedAt: number;
  /** SHA-256 of the peer's resume token. */
  resume?: string;
  name?: string;
  meta?: PeerMeta;
  rejoinOf?: string;
}

/** `peer`, a peer of node `nodeId`, as its room's hash holds it. */
export function storedEntry(peer: Peer, nodeId: string): string {
  const entry: StoredPeer = {
    peerId: peer.peerId,
    socketId: peer.socketId,
    nodeId,
    joinedAt: Date.now(),
    ...(peer.resumeProof !== undefined && { resume: peer.resumeProof }),
    ...(peer.name !== undefined && { name: peer.name }),
    ...(peer.meta !== undefined && { meta: peer.meta }),
    ...(peer.rejoinOf !== undefined && { rejoinOf: peer.rejoinOf }),
  };
  return JSON.stringify(entry);
}

export function parseStored(raw: string): StoredPeer | null {
  try {
    const value = JSON.parse(raw) as StoredPeer;
    return typeof value.peerId === 'string' && typeof value.socketId === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** What a newcomer is told of the others, oldest first, as a single node would list them. */
export function inJoinOrder(raws: readonly string[]): PeerInfo[] {
  return raws
    .map(parseStored)
    .filter((peer): peer is StoredPeer => peer !== null)
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map(({ peerId, name, meta, rejoinOf }) => ({
      peerId,
      ...(name !== undefined && { name }),
      ...(meta !== undefined && { meta }),
      ...(rejoinOf !== undefined && { rejoinOf }),
    }));
}

/**
 * Who is in which room on this node. The server, not the client, decides a peer's id and room,
 * so every relay decision (isolation, cap, sender stamp) is a lookup here.
 */
import type { PeerInfo, PeerMeta } from '@icelane/protocol';

export interface Peer {
  peerId: string;
  room: string;
  /** The socket.io socket that speaks for this peer. */
  socketId: string;
  /** Opaque id the ICE source binds per-session credentials to; never shown to other peers. */
  sessionId: string;
  /**
   * SHA-256 of the resume token handed to this peer: set at the join with several nodes, made
   * from `resumeToken` when first asked for on a single node (resume-proof.ts).
   */
  resumeProof?: string;
  /** On a single node, the resume token itself, in this node's memory only. */
  resumeToken?: string;
  name?: string;
  meta?: PeerMeta;
  /** The id this peer had before it rejoined with its resume token. */
  rejoinOf?: string;
}

/** What other peers see of a peer. */
export function peerInfo(peer: Peer): PeerInfo {
  const info: PeerInfo = { peerId: peer.peerId };
  if (peer.name !== undefined) info.name = peer.name;
  if (peer.meta !== undefined) info.meta = peer.meta;
  if (peer.rejoinOf !== undefined) info.rejoinOf = peer.rejoinOf;
  return info;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, Map<string, Peer>>();
  private readonly peers = new Map<string, Peer>();

  /** How many peers are in `room`. */
  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  has(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  get(peerId: string): Peer | undefined {
    return this.peers.get(peerId);
  }

  /** The peer `peerId` when it is in `room`; a peer of another room is as unknown as no peer. */
  inRoom(room: string, peerId: string): Peer | undefined {
    return this.rooms.get(room)?.get(peerId);
  }

  /** Every peer of this node, in join order. */
  all(): Peer[] {
    return [...this.peers.values()];
  }

  /** The peers of `room` except `peerId`, in join order. */
  others(room: string, peerId: string): Peer[] {
    const members = this.rooms.get(room);
    if (!members) return [];
    return [...members.values()].filter((peer) => peer.peerId !== peerId);
  }

  /** The sockets that speak for the peers of `room`, but `exceptSocketId`'s. */
  socketIdsIn(room: string, exceptSocketId: string | null): string[] {
    const ids: string[] = [];
    const members = this.rooms.get(room);
    if (!members) return ids;
    for (const peer of members.values()) {
      if (peer.socketId !== exceptSocketId) ids.push(peer.socketId);
    }
    return ids;
  }

  add(peer: Peer): void {
    if (this.peers.has(peer.peerId)) throw new Error('peer id already in use');
    let members = this.rooms.get(peer.room);
    if (!members) {
      members = new Map();
      this.rooms.set(peer.room, members);
    }
    members.set(peer.peerId, peer);
    this.peers.set(peer.peerId, peer);
  }

  /** Removes a peer; returns it, or `undefined` when it was not there. Empty rooms disappear. */
  remove(peerId: string): Peer | undefined {
    const peer = this.peers.get(peerId);
    if (!peer) return undefined;
    this.peers.delete(peerId);
    const members = this.rooms.get(peer.room);
    members?.delete(peerId);
    if (members?.size === 0) this.rooms.delete(peer.room);
    return peer;
  }
}

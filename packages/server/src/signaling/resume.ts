/**
 * Resume tokens: a peer that joins its room again after losing its signaling connection takes
 * the place of its previous id at once. Without them the server kept the previous id until it
 * noticed the old connection was gone (up to a ping timeout): the others heard `peer:joined` for
 * the new id beside a stale one, and `peer:left` half a minute later (issue 11).
 *
 * A token is `<peer id>.<secret>`, opaque to clients, handed out in the join answer. A shared
 * roster keeps only its SHA-256 beside the peer (resume-proof.ts), so the token is bound to that room and peer id, lives
 * as long as the server lists the peer (a ghost it could remove) and a short window after its
 * connection ended (departed.ts), and is spent by the rejoin that uses it. An unknown, stale or
 * forged token is ignored: the join is a fresh one.
 */
import type { PeerLeft } from '@icelane/protocol';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { randomBase64url } from '../clients/ids.js';
import type { Peer } from './rooms.js';
import { proofOf } from './resume-proof.js';

/** The previous id of a rejoining peer, taken out of the roster. */
export interface Resumed {
  peerId: string;
  room: string;
  /**
   * The socket that spoke for it, cut off once the rejoin is through; `null` when its connection
   * had already ended (the room heard `peer:left` then).
   */
  socketId: string | null;
}

/** A new token for `peerId`: sent to the client only, kept as resume-proof.ts says. */
export function issueResumeToken(peerId: string): string {
  // 192 random bits after the id, 32 characters as before, drawn at once.
  return `${peerId}.${randomBase64url(24)}`;
}

/**
 * Takes the peer a resume token names out of `room`, before the rejoining peer claims its place
 * (so the cap and the join answer no longer count it). Call only for an authorized join.
 */
export async function evictPrevious(
  ctx: SignalingContext,
  room: string,
  token: string | undefined,
): Promise<Resumed | null> {
  const dot = token?.indexOf('.') ?? -1;
  if (!token || dot < 1) return null;
  const peerId = token.slice(0, dot);
  const proof = proofOf(token);
  const evicted = await ctx.roster.evict(room, peerId, proof);
  if (!evicted) {
    return (await ctx.departed.take(room, peerId, proof)) ? { peerId, room, socketId: null } : null;
  }
  // On this node: its socket no longer speaks for the peer, so closing it announces nothing.
  const old = evicted.local ? ctx.io.sockets.sockets.get(evicted.socketId) : undefined;
  const peer = old?.data.peer;
  if (old && peer?.peerId === peerId) {
    old.data.peer = null;
    old.data.reported.clear();
    ctx.roomChannel.exit(old, room);
    ctx.iceSource.release({ sessionId: peer.sessionId });
  }
  return { peerId, room, socketId: evicted.socketId };
}

/**
 * Tells the room the previous id is gone, and by which id it was replaced (`null` when the rejoin
 * failed after the eviction), then cuts the old connection. The rejoining client, `socket`, is
 * left out: it does not hear of itself.
 */
export function announceResumed(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  previous: Resumed,
  peer: Peer | null,
): void {
  // Its connection ended before: the room heard it left, and hears `rejoinOf` with the join.
  if (previous.socketId === null) return;
  const left: PeerLeft = { peerId: previous.peerId };
  if (peer) left.rejoinedAs = peer.peerId;
  ctx.roomChannel.peerLeft(previous.room, socket.id, left);
  // Across nodes the adapter carries this to the node that holds the socket, which has already
  // forgotten the peer (the roster's `evicted` notice comes first), so the end is silent there.
  ctx.io.in(previous.socketId).disconnectSockets(true);
}

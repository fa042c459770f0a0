/**
 * Leaving a room, by `room:leave` or by disconnecting: the others are told, the session's
 * credential is released.
 */
import { errorAnswer } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { EncodedAck } from './encoded-ack.js';
import { endQuality } from './quality.js';
import { endUsage } from './usage.js';

/** `{ data: { left: true } }`, the same for every leave: encoded once, not walked each time. */
const LEFT = new EncodedAck(JSON.stringify({ data: { left: true } }));

export async function handleLeave(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  if (!leaveRoom(ctx, socket)) return call.reply(errorAnswer('not-in-room', 'not in a room'));
  call.reply(LEFT);
}

/** Takes the socket's peer out of its room; returns whether it was in one. */
export function leaveRoom(ctx: SignalingContext, socket: IcelaneSocket): boolean {
  const peer = socket.data.peer;
  if (!peer) return false;
  // Logged while the peer is still known: the usage lines name it.
  endUsage(ctx, socket, socket.disconnected ? 'disconnected' : 'left');
  endQuality(ctx.metrics, socket.data.quality, ctx.clock.now());
  socket.data.peer = null;
  // Clearing an empty Set still allocates a new table; most peers leave having reported nothing.
  if (socket.data.reported.size > 0) socket.data.reported.clear();
  // A rejoin on another node may have replaced this peer already and told the room (resume.ts).
  const replaced = ctx.roster.local.inRoom(peer.room, peer.peerId) !== peer;
  if (!replaced) ctx.roster.remove(peer);
  // A connection that ended may come back with the peer's token (departed.ts); a leave is final.
  if (!replaced && socket.disconnected) ctx.departed.remember(peer);
  ctx.roomChannel.exit(socket, peer.room);
  if (!replaced) ctx.roomChannel.peerLeft(peer.room, socket.id, { peerId: peer.peerId });
  ctx.iceSource.release({ sessionId: peer.sessionId });
  return true;
}

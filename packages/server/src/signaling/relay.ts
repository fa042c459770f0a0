/**
 * `signal`: relays an offer, answer or candidate to one peer of the sender's room, stamped with
 * the sender's id. The server never reads `data` beyond its schema and size.
 */
import { errorAnswer, parsePayload, signalRequestSchema } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { refuseInvalid, refusedByLimit } from './refuse.js';

const EVENT = 'signal';

export async function handleSignal(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const limit = ctx.limiters.take('signal', socket.data.buckets, socket.handshake.address);
  if (refusedByLimit(ctx, EVENT, call, limit)) return;
  const parsed = parsePayload(signalRequestSchema, call.payload);
  if (!parsed.ok) return refuseInvalid(ctx, EVENT, call, parsed.message);
  const sender = socket.data.peer;
  if (!sender) return call.reply(errorAnswer('not-in-room', 'join a room before signaling'));

  const { to, attempt, data } = parsed.value;
  // A peer of another room is answered exactly like a peer that does not exist.
  const target = ctx.rooms.inRoom(sender.room, to);
  if (!target || target.peerId === sender.peerId) {
    return call.reply(errorAnswer('unknown-peer', 'no such peer in this room'));
  }
  ctx.io.to(target.socketId).emit('signal', { from: sender.peerId, attempt, data });
  ctx.metrics.signals.inc();
  call.reply({ data: { delivered: true } });
}

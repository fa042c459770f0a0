/**
 * `signal`: relays an offer, answer or candidate to one peer of the sender's room, stamped with
 * the sender's id. The server never reads `data` beyond its schema and size. `delivered` means the
 * peer's node had it: at once on this node, once acknowledged by the peer's node through Redis.
 */
import { errorAnswer, signalRequestSchema } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import { admitInRoom } from './admission.js';
import type { IcelaneSocket, SignalingContext } from './context.js';

const EVENT = 'signal';

export async function handleSignal(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  const admitted = admitInRoom(ctx, socket, call, EVENT, 'signal', signalRequestSchema);
  if (!admitted) return;
  const { peer: sender, payload } = admitted;
  const { to, attempt, data } = payload;
  // A peer of another room is answered exactly like a peer that does not exist.
  const target = to === sender.peerId ? null : await ctx.roster.locate(sender.room, to);
  if (target === null) {
    return call.reply(errorAnswer('unknown-peer', 'no such peer in this room'));
  }
  // Redis could not say where the peer is: it may well be there, and a resend may find it.
  if (target === 'unreachable') {
    return call.reply(errorAnswer('unavailable', "the peer's room cannot be looked up just now"));
  }
  // The sender may have gone while the target was looked up (a dead connection's last signals
  // arrive beside its close): its `peer:left` is out, and a signal from its id now would reach
  // the far side as one from a stranger, who would take it for a newcomer.
  if (!socket.connected || socket.data.peer !== sender) {
    return call.reply(errorAnswer('not-in-room', 'left the room before the signal was relayed'));
  }
  const message = { from: sender.peerId, attempt, data };
  if (target.local) {
    // A peer on this node is reached directly; a plain emit would also publish it to Redis.
    ctx.io.local.to(target.socketId).emit('signal', message);
  } else if (!(await target.send(message))) {
    // Another node's peer: `delivered` only once its node had the signal. A failing-over Redis
    // drops what it cannot carry; the sender hears so and sends again.
    return call.reply(errorAnswer('unavailable', "the peer's node cannot be reached just now"));
  }
  ctx.metrics.signals.inc();
  call.reply({ data: { delivered: true } });
}

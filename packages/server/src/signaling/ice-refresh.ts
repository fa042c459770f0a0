/**
 * `ice:refresh`: fresh ICE servers for the session, before the old credentials expire or for a
 * relay-only retry. Rate-limited per socket and per IP: each answer may mint a credential.
 */
import type { InboundCall } from './ack.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { refusedByLimit, refuseOutOfPlace } from './admission.js';

const EVENT = 'ice:refresh';

export async function handleIceRefresh(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
): Promise<void> {
  // Without an acknowledgement nobody would receive the servers: do not mint for nothing.
  if (!call.wantsAnswer) return;
  const limit = ctx.limiters.take('iceRefresh', socket.data.buckets, socket.data.subnet);
  if (refusedByLimit(ctx, socket, EVENT, call, limit)) {
    ctx.metrics.iceRefreshes.inc({ outcome: 'rate-limited' });
    return;
  }
  const peer = socket.data.peer;
  if (!peer) {
    ctx.metrics.iceRefreshes.inc({ outcome: 'not-in-room' });
    return refuseOutOfPlace(ctx, socket, EVENT, call, 'join a room before refreshing ICE servers');
  }
  const ice = await ctx.iceSource.iceFor({ sessionId: peer.sessionId });
  ctx.metrics.iceRefreshes.inc({ outcome: 'ok' });
  call.reply({ data: ice });
}

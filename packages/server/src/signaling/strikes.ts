/**
 * Strikes: a socket refused again and again is a client that ignores its refusals (or means
 * harm), and answering it costs as much as serving it. Each refusal takes a token of its
 * `strikes` bucket; an empty bucket disconnects it. Refusals a well-behaved client meets in
 * normal use (a full room, a peer that just left, a server shutting down) are not strikes.
 */
import type { IcelaneSocket, SignalingContext } from './context.js';

/** Counts one refusal against `socket`; returns whether the socket was disconnected for it. */
export function strike(ctx: SignalingContext, socket: IcelaneSocket, event: string): boolean {
  if (socket.disconnected) return true;
  const result = ctx.limiters.take('strikes', socket.data.buckets, socket.data.subnet);
  if (result.ok) return false;
  ctx.metrics.connectionsCut.inc({ reason: 'strikes' });
  // At debug: a flood of these must not become a flood of log lines.
  ctx.logger.debug('disconnected a socket refused too often', { event });
  // `true` closes the transport too, once the refusal just answered is on its way.
  socket.disconnect(true);
  return true;
}

/**
 * One signaling connection: its state, its event handlers, and what happens when it goes.
 */
import { errorAnswer } from '@icelane/protocol';
import { clientAddress } from '../clients/client-address.js';
import { subnetKey } from '../clients/ip-address.js';
import { inboundCall, type InboundCall } from './ack.js';
import { handshakeJoin } from './auth-join.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import { handleIceRefresh } from './ice-refresh.js';
import { handleJoin } from './join.js';
import { handleLeave, leaveRoom } from './leave.js';
import { handleSignal } from './relay.js';
import { handleQuality } from './quality.js';
import { handleRecovery } from './recovery.js';
import { handleReport } from './report.js';
import { handleUsage } from './usage.js';
import { usageLedger } from './usage-ledger.js';
import { strike } from './strikes.js';

type Handler = (ctx: SignalingContext, socket: IcelaneSocket, call: InboundCall) => Promise<void>;

const HANDLERS: Record<string, Handler> = {
  'room:join': handleJoin,
  'room:leave': handleLeave,
  signal: handleSignal,
  'ice:refresh': handleIceRefresh,
  'connection:report': handleReport,
  'connection:recovery': handleRecovery,
  'connection:usage': handleUsage,
  'connection:quality': handleQuality,
};

/** Sets a new socket up. Events not in the protocol are dropped, each a strike. */
export function onConnection(ctx: SignalingContext, socket: IcelaneSocket): void {
  const address = clientAddress(
    socket.handshake.headers,
    socket.conn.remoteAddress,
    ctx.trustedProxies,
  );
  socket.data = {
    address,
    // Worked out once: an IPv6 address is parsed to find its /64.
    subnet: subnetKey(address),
    peer: null,
    joining: false,
    buckets: ctx.limiters.socketBuckets(),
    reported: new Set(),
    usage: usageLedger(),
    quality: new Map(),
  };
  ctx.metrics.connectedSockets.inc();

  // A listener of every event rather than a middleware: socket.io runs a middleware through two
  // closures per event. An unknown event still reaches no handler (socket.io's decoder refuses
  // its reserved names, such as `disconnect`, before any listener).
  socket.onAny((event: unknown) => {
    if (typeof event === 'string' && Object.hasOwn(HANDLERS, event)) return;
    // Nobody listens to it; a client sending it is broken or probing. No answer: none is owed.
    ctx.metrics.invalidPayloads.inc({ event: 'unknown' });
    strike(ctx, socket, 'unknown');
  });

  for (const [event, handler] of Object.entries(HANDLERS)) {
    socket.on(event, (...args: unknown[]) =>
      handle(ctx, socket, event, handler, inboundCall(args)),
    );
  }
  // After the handlers: a `room:join` sent as well is refused `already-joined`, not missed.
  const joining = handshakeJoin(socket);
  if (joining) handle(ctx, socket, 'room:join', handleJoin, joining);

  socket.on('disconnect', () => {
    ctx.metrics.connectedSockets.dec();
    try {
      leaveRoom(ctx, socket);
    } catch (error) {
      ctx.logger.error('cleanup after disconnect failed', { error });
    }
  });
}

function handle(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  event: string,
  handler: Handler,
  call: InboundCall,
): void {
  handler(ctx, socket, call).catch((error: unknown) => {
    // The payload is not logged: it may hold SDP, names or anything a client sent.
    ctx.logger.error('signaling handler failed', { event, error });
    if (event === 'room:join') ctx.metrics.joins.inc({ outcome: 'internal' });
    if (event === 'ice:refresh') ctx.metrics.iceRefreshes.inc({ outcome: 'internal' });
    call.reply(errorAnswer('internal', 'internal server error'));
  });
}

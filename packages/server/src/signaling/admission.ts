/**
 * What an inbound event passes before its handler acts: the rate limit, room membership, the
 * schema. Refusals are counted, so bad payloads and rate-limited clients show on `/metrics`,
 * and each is a strike against the socket.
 */
import { errorAnswer, parsePayload } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import type { SocketLimit } from '../clients/limiters.js';
import type { TakeResult } from '../clients/rate-limit.js';
import type { Peer } from './rooms.js';
import { strike } from './strikes.js';

/** A payload schema of the protocol, as `parsePayload` takes it. */
type Schema<T> = Parameters<typeof parsePayload<T>>[0];

/**
 * Admits an event of a peer in a room: within its rate limit, sent after a join, a valid
 * payload. Otherwise answers the refusal and returns `null`. Membership is checked before the
 * schema: an unjoined socket's payload is refused without being read.
 */
export function admitInRoom<T>(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
  event: string,
  limit: SocketLimit,
  schema: Schema<T>,
): { peer: Peer; payload: T } | null {
  const taken = ctx.limiters.take(limit, socket.data.buckets, socket.data.subnet);
  if (refusedByLimit(ctx, socket, event, call, taken)) return null;
  const peer = socket.data.peer;
  if (!peer) {
    refuseOutOfPlace(ctx, socket, event, call, `join a room before sending ${event}`);
    return null;
  }
  const parsed = parsePayload(schema, call.payload);
  if (!parsed.ok) {
    refuseInvalid(ctx, socket, event, call, parsed.message);
    return null;
  }
  return { peer, payload: parsed.value };
}

/** Answers `not-in-room` to an event that needs a room, and counts the strike. */
export function refuseOutOfPlace(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  event: string,
  call: InboundCall,
  message: string,
): void {
  call.reply(errorAnswer('not-in-room', message));
  strike(ctx, socket, event);
}

/** Answers `invalid-payload` with the schema's message (which never echoes the value). */
export function refuseInvalid(...args: Parameters<typeof refuseOutOfPlace>): void {
  const [ctx, socket, event, call, message] = args;
  ctx.metrics.invalidPayloads.inc({ event });
  call.reply(errorAnswer('invalid-payload', message));
  strike(ctx, socket, event);
}

/** Answers `rate-limited` when `result` refused the request; returns whether it did. */
export function refusedByLimit(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  event: string,
  call: InboundCall,
  result: TakeResult,
): boolean {
  if (result.ok) return false;
  ctx.metrics.rateLimited.inc({ event });
  call.reply(
    errorAnswer('rate-limited', `too many ${event} requests`, {
      retryAfterMs: result.retryAfterMs,
    }),
  );
  strike(ctx, socket, event);
  return true;
}

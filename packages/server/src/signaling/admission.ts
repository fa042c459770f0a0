/**
 * What an inbound event passes before its handler acts: the rate limit, the schema, room
 * membership. Refusals are counted, so bad payloads and rate-limited clients show on `/metrics`.
 */
import { errorAnswer, parsePayload } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { IcelaneSocket, SignalingContext } from './context.js';
import type { SocketLimit } from './limiters.js';
import type { TakeResult } from './rate-limit.js';
import type { Peer } from './rooms.js';

/** A payload schema of the protocol, as `parsePayload` takes it. */
type Schema<T> = Parameters<typeof parsePayload<T>>[0];

/**
 * Admits an event of a peer in a room: within its rate limit, a valid payload, sent after a
 * join. Otherwise answers the refusal and returns `null`.
 */
export function admitInRoom<T>(
  ctx: SignalingContext,
  socket: IcelaneSocket,
  call: InboundCall,
  event: string,
  limit: SocketLimit,
  schema: Schema<T>,
): { peer: Peer; payload: T } | null {
  const taken = ctx.limiters.take(limit, socket.data.buckets, socket.data.address);
  if (refusedByLimit(ctx, event, call, taken)) return null;
  const parsed = parsePayload(schema, call.payload);
  if (!parsed.ok) {
    refuseInvalid(ctx, event, call, parsed.message);
    return null;
  }
  const peer = socket.data.peer;
  if (!peer) {
    call.reply(errorAnswer('not-in-room', `join a room before sending ${event}`));
    return null;
  }
  return { peer, payload: parsed.value };
}

/** Answers `invalid-payload` with the schema's message (which never echoes the value). */
export function refuseInvalid(
  ctx: SignalingContext,
  event: string,
  call: InboundCall,
  message: string,
): void {
  ctx.metrics.invalidPayloads.inc({ event });
  call.reply(errorAnswer('invalid-payload', message));
}

/** Answers `rate-limited` when `result` refused the request; returns whether it did. */
export function refusedByLimit(
  ctx: SignalingContext,
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
  return true;
}

/**
 * Refusals that are also counted: bad payloads and rate-limited requests show on `/metrics`.
 */
import { errorAnswer } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { SignalingContext } from './context.js';
import type { TakeResult } from './rate-limit.js';

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

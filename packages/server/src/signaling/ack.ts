/**
 * Inbound events arrive from untrusted clients: the payload may be anything, and the
 * acknowledgement may be missing, misplaced or not a function.
 */
import type { Ack } from '@icelane/protocol';
import type { EncodedAck } from './encoded-ack.js';

export interface InboundCall {
  /** The first argument when it is not the acknowledgement. */
  payload: unknown;
  /** Whether the client asked for an answer. */
  wantsAnswer: boolean;
  /**
   * Sends the answer (or its JSON made already, which the server's encoder writes as it is) when
   * the client asked for one; a no-op otherwise, and at most once. A method: call it on the call.
   */
  reply(answer: Ack<unknown> | EncodedAck): void;
}

/** Splits socket.io listener arguments into payload and acknowledgement. */
export function inboundCall(args: readonly unknown[]): InboundCall {
  return new Call(args);
}

// A class, not an object literal with a `reply` closure: one object per inbound event, not two.
class Call implements InboundCall {
  readonly payload: unknown;
  readonly wantsAnswer: boolean;
  private ack: ((answer: unknown) => void) | null;

  constructor(args: readonly unknown[]) {
    const last = args[args.length - 1];
    this.ack = typeof last === 'function' ? (last as (answer: unknown) => void) : null;
    this.payload = this.ack && args.length === 1 ? undefined : args[0];
    this.wantsAnswer = this.ack !== null;
  }

  reply(answer: Ack<unknown> | EncodedAck): void {
    const ack = this.ack;
    if (!ack) return;
    // At most once: the acknowledgement is let go as it is used.
    this.ack = null;
    ack(answer);
  }
}

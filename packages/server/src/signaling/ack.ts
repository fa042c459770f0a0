/**
 * Inbound events arrive from untrusted clients: the payload may be anything, and the
 * acknowledgement may be missing, misplaced or not a function.
 */
import type { Ack } from '@icelane/protocol';
import type { EncodedAck } from './encoded-ack.js';

/** An answer, or its JSON made already (the server's encoder writes it as it is). */
export type Reply<T> = (answer: Ack<T> | EncodedAck) => void;

export interface InboundCall {
  /** The first argument when it is not the acknowledgement. */
  payload: unknown;
  /** Whether the client asked for an answer. */
  wantsAnswer: boolean;
  /** Sends the answer when the client asked for one; a no-op otherwise, and at most once. */
  reply: Reply<unknown>;
}

/** Splits socket.io listener arguments into payload and acknowledgement. */
export function inboundCall(args: readonly unknown[]): InboundCall {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (answer: unknown) => void) : null;
  const payload = ack && args.length === 1 ? undefined : args[0];
  let answered = false;
  return {
    payload,
    wantsAnswer: ack !== null,
    reply: (answer) => {
      if (!ack || answered) return;
      answered = true;
      ack(answer);
    },
  };
}

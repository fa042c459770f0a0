/**
 * A join sent in socket.io's handshake (`auth.join`, the protocol's `HandshakeAuth`): run as a
 * `room:join` event is, every check included, as soon as the connection is made, and answered
 * with the `room:joined` event. socket.io writes its CONNECT before it calls the connection
 * handler, so the answer follows it: one round trip after the transport opens instead of two.
 */
import type { Ack, JoinAnswer } from '@icelane/protocol';
import type { InboundCall } from './ack.js';
import type { IcelaneSocket } from './context.js';
import type { EncodedAck } from './encoded-ack.js';

/** The handshake's join as an inbound call, or `null` when the client sent none. */
export function handshakeJoin(socket: IcelaneSocket): InboundCall | null {
  // socket.io's decoder lets only an object through as `auth`; `join` itself is untrusted.
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  if (auth?.join === undefined) return null;
  return new HandshakeJoin(socket, auth.join);
}

class HandshakeJoin implements InboundCall {
  readonly wantsAnswer = true;
  private answered = false;

  constructor(
    private readonly socket: IcelaneSocket,
    readonly payload: unknown,
  ) {}

  reply(answer: Ack<unknown> | EncodedAck): void {
    if (this.answered) return;
    this.answered = true;
    // The event is typed with the protocol's answer; the encoder writes an EncodedAck as it is.
    this.socket.emit('room:joined', answer as Ack<JoinAnswer>);
  }
}

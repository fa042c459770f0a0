/**
 * Is the signaling connection alive? A live call that lost its path has often lost its signaling
 * connection with it (a NAT rebinding or a move to another network cuts every flow), and healing
 * needs signaling. socket.io notices a dead connection only by its ping timeout (tens of seconds),
 * so when a call is in trouble the SDK asks the server for one round trip: a signal to this
 * peer's own id, which every icelane server answers at once with `unknown-peer` and delivers
 * nowhere. No answer within `timeoutMs`: the connection is dead, and it is closed so socket.io
 * reconnects (and the room is rejoined) now.
 */
import type { SignalingSocket } from './signaling.js';

/** The signal `data.type` of a probe (never delivered: it is addressed to the sender). */
export const PROBE_SIGNAL = 'icelane:probe';

export interface SignalingProbe {
  /** Probes unless a probe is on or the connection is known to be down. */
  check(ownPeerId: string): void;
}

export function signalingProbe(socket: SignalingSocket, timeoutMs: number): SignalingProbe {
  let probing = false;
  return {
    check(ownPeerId) {
      if (probing || !socket.connected) return;
      probing = true;
      const timed = socket.timeout(timeoutMs) as unknown as {
        emitWithAck(event: 'signal', payload: unknown): Promise<unknown>;
      };
      timed
        .emitWithAck('signal', { to: ownPeerId, attempt: 1, data: { type: PROBE_SIGNAL } })
        .catch(() => {
          // Any answer, even an error, means alive; only silence means dead.
          if (socket.connected) closeTransport(socket);
        })
        .finally(() => {
          probing = false;
        });
    },
  };
}

/** Closes the underlying connection the way a network drop would: socket.io reconnects. */
function closeTransport(socket: SignalingSocket): void {
  const engine = (socket as unknown as { io?: { engine?: { close(): void } } }).io?.engine;
  engine?.close();
}

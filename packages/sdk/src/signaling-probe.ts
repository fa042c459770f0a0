/**
 * Is the signaling connection alive? A live call that lost its path has often lost its signaling
 * connection with it (a NAT rebinding or a move to another network cuts every flow), and healing
 * needs signaling. socket.io notices a dead connection only by its ping timeout (tens of seconds),
 * so when a call may be in trouble the SDK asks the server for one round trip: a signal to this
 * peer's own id, which every icelane server answers at once with `unknown-peer` and delivers
 * nowhere. No answer in time: the connection is dead, and it is closed so socket.io reconnects
 * (and the room is rejoined) now.
 *
 * "In time" follows the connection's own round trips (as TCP's retransmission timeout does): the
 * smoothed round trip plus four times its variation, within `minTimeoutMs`..`maxTimeoutMs`. A
 * probe right after joining gives the first figure; until then the wait is the longest.
 */
import type { SignalingSocket } from './signaling.js';

/** The signal `data.type` of a probe (never delivered: it is addressed to the sender). */
export const PROBE_SIGNAL = 'icelane:probe';

export interface SignalingProbeOptions {
  /** The shortest wait for an answer, however fast the connection has been. */
  minTimeoutMs: number;
  /** The longest wait, and the wait before any round trip was measured. */
  maxTimeoutMs: number;
}

export const signalingProbeDefaults: SignalingProbeOptions = {
  minTimeoutMs: 400,
  maxTimeoutMs: 1_000,
};

export interface SignalingProbe {
  /** Probes unless a probe is on or the connection is known to be down; silence closes it. */
  check(ownPeerId: string): void;
  /** One probe that only measures the round trip: silence closes nothing. */
  measure(ownPeerId: string): void;
  /** How long the next probe waits for its answer. */
  timeoutMs(): number;
}

export function signalingProbe(
  socket: SignalingSocket,
  options: SignalingProbeOptions = signalingProbeDefaults,
): SignalingProbe {
  let probing = false;
  const roundTrips = roundTripEstimate();
  const timeoutMs = () => roundTrips.timeoutMs(options.minTimeoutMs, options.maxTimeoutMs);

  const probe = (ownPeerId: string, closeOnSilence: boolean) => {
    if (probing || !socket.connected) return;
    probing = true;
    const sentAt = Date.now();
    // Measuring waits the longest: a connection slower than it was is what it must find out.
    const waitMs = closeOnSilence ? timeoutMs() : options.maxTimeoutMs;
    const timed = socket.timeout(waitMs) as unknown as {
      emitWithAck(event: 'signal', payload: unknown): Promise<unknown>;
    };
    timed
      .emitWithAck('signal', { to: ownPeerId, attempt: 1, data: { type: PROBE_SIGNAL } })
      // Any answer, even an error, means alive; only silence means dead.
      .then(() => roundTrips.add(Date.now() - sentAt))
      .catch(() => {
        if (closeOnSilence && socket.connected) closeTransport(socket);
      })
      .finally(() => {
        probing = false;
      });
  };

  return {
    check: (ownPeerId) => probe(ownPeerId, true),
    measure: (ownPeerId) => probe(ownPeerId, false),
    timeoutMs,
  };
}

/** Smoothed round trip and its variation (RFC 6298's estimator, without its 1 s floor). */
function roundTripEstimate() {
  let smoothed: number | undefined;
  let variation = 0;
  return {
    add(sampleMs: number) {
      if (smoothed === undefined) {
        smoothed = sampleMs;
        variation = sampleMs / 2;
        return;
      }
      variation = 0.75 * variation + 0.25 * Math.abs(smoothed - sampleMs);
      smoothed = 0.875 * smoothed + 0.125 * sampleMs;
    },
    timeoutMs(minMs: number, maxMs: number): number {
      if (smoothed === undefined) return maxMs;
      return Math.min(maxMs, Math.max(minMs, Math.round(smoothed + 4 * variation)));
    },
  };
}

/** Closes the underlying connection the way a network drop would: socket.io reconnects. */
function closeTransport(socket: SignalingSocket): void {
  const engine = (socket as unknown as { io?: { engine?: { close(): void } } }).io?.engine;
  engine?.close();
}

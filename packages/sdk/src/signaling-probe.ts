/**
 * Is the signaling connection alive? A live call that lost its path has often lost its signaling
 * connection with it (a NAT rebinding or a move to another network cuts every flow), and healing
 * needs signaling. socket.io notices a dead connection only by its ping timeout (tens of seconds),
 * so when a call may be in trouble the SDK asks the server for one round trip: a signal to this
 * peer's own id, which every icelane server answers at once with `unknown-peer` and delivers
 * nowhere. No answer in time: the connection is dead, and it is closed so socket.io reconnects
 * (and the room is rejoined) now.
 *
 * "In time" follows the connection's own round trips and covers one TCP retransmission of the
 * probe or its answer (path-timing.ts `onceResentMs`: Linux's retransmission timeout, at least
 * 200 ms past the round trip, then the round trip), within `minTimeoutMs`..`maxTimeoutMs`. A
 * wait of one round trip closed healthy connections on a lossy link: at 10 % loss each way, a
 * 400 ms wait closed 4 per side in 10 minutes (docs/benchmarks.md). Where losses happen, the
 * probes' own samples carry the resends, so the variation, and the wait, grow with them. A probe
 * right after joining gives the first figure; until then the wait is the longest. And a probe
 * asked for by a silence closes nothing once the far side was heard again meanwhile: the silence
 * was a lossy link's, and the call does not need signaling now.
 *
 * The wait is counted in the page's own time: a busy page runs the wait's timer late, and an
 * answer that came in meanwhile may wait behind it, so a late timer waits as long again as it was
 * late (once) and judges a task later. An answer after the wait is still a round trip. A stall of
 * everything between the page and the server (measured 0.5-1.7 s on a machine at load ~40, with
 * the page's timers on time) is not told from a dead connection by any wait this short
 * (docs/benchmarks.md, "The probe's closes on a loaded machine").
 */
import { onceResentMs, roundTripEstimate, type RoundTripEstimate } from './path-timing.js';
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
  /**
   * Probes unless the connection is known to be down (or joins the check under way); silence
   * closes it, if a call still `needs` signaling when the wait runs out.
   */
  check(ownPeerId: string, needs?: () => boolean): void;
  /**
   * Probes that only measure the round trip, `samples` of them one after the other (the first
   * figure's variation is half of it; each further sample narrows it): silence closes nothing.
   */
  measure(ownPeerId: string, samples?: number): void;
  /** How long the next probe waits for its answer. */
  timeoutMs(): number;
}

/**
 * `roundTrips`: where the measured round trips go (the room's, which the links' deadlines follow
 * too; see path-timing.ts).
 */
export function signalingProbe(
  socket: SignalingSocket,
  options: SignalingProbeOptions = signalingProbeDefaults,
  roundTrips: RoundTripEstimate = roundTripEstimate(),
): SignalingProbe {
  /** The needs of the checks waiting on the check under way (none: no check is). */
  let checking: Array<() => boolean> | undefined;
  let measuring = false;
  // How long a probe that only measures waits: as long as the connection may take to open
  // (socket.io's `timeout`, the app's `signalingTimeoutMs`). A round trip longer than that
  // carries no call; a shorter one is measured, so the links' deadlines follow it (a fixed 5 s
  // left a 5.5 s round trip unmeasured and every deadline at its floor: docs/benchmarks.md).
  const measureWaitMs = socket.io.timeout() as number;
  const timeoutMs = () => {
    const measured = roundTrips.current();
    const resent = measured ? onceResentMs(measured) : Infinity;
    return Math.min(options.maxTimeoutMs, Math.max(options.minTimeoutMs, resent));
  };

  /**
   * One probe: any answer, even an error, means alive and is a round trip; only silence is dead.
   * A timer that fires late waits what it lost, then judges a task later (above); the answer is
   * taken until `measureWaitMs`.
   */
  const send = (ownPeerId: string, waitMs: number) =>
    new Promise<boolean>((resolve) => {
      const sentAt = Date.now();
      setTimeout(() => setTimeout(resolve, Date.now() - sentAt - waitMs, false), waitMs);
      const timed = socket.timeout(measureWaitMs) as unknown as {
        emitWithAck(event: 'signal', payload: unknown): Promise<unknown>;
      };
      timed.emitWithAck('signal', { to: ownPeerId, attempt: 1, data: { type: PROBE_SIGNAL } }).then(
        () => {
          roundTrips.add(Date.now() - sentAt);
          resolve(true);
        },
        () => resolve(false),
      );
    });

  // A check asked for while one is under way waits on it: one link's silence may be over by the
  // end while another's is not, so the connection is closed if any of them still needs it. A
  // measurement never holds a check back: it waits long, and closes nothing.
  const check = (ownPeerId: string, needs: () => boolean = () => true) => {
    if (checking) return void checking.push(needs);
    if (!socket.connected) return;
    const waiting = (checking = [needs]);
    void send(ownPeerId, timeoutMs()).then((alive) => {
      checking = undefined;
      if (alive || !socket.connected || !waiting.some((still) => still())) return;
      // Closed the way a network drop would close it: socket.io reconnects.
      (socket as unknown as { io?: { engine?: { close(): void } } }).io?.engine?.close();
    });
  };

  const measure = (ownPeerId: string, samples = 1) => {
    if (measuring || !socket.connected) return;
    measuring = true;
    // Measuring waits long: a slow connection is what it must find out.
    void send(ownPeerId, measureWaitMs).then((alive) => {
      measuring = false;
      if (alive && samples > 1) measure(ownPeerId, samples - 1);
    });
  };

  return { check, measure, timeoutMs };
}

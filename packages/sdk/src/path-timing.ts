/**
 * How long the SDK waits, following the path it measured. Every deadline of a link is the
 * configured option as a floor, or as many round trips as its step needs, each given the
 * retransmission timeout TCP would give it (RFC 6298: the smoothed round trip plus four times its
 * variation), whichever is longer. On a fast path nothing changes (the floors were tuned there);
 * on a slow one no deadline is shorter than the link.
 *
 * What is measured:
 * - this side's round trip to the signaling server: the join's own request, then the signaling
 *   probe (signaling-probe.ts), so it is known before the first attempt starts;
 * - the far side's, which its signals carry (`srttMs`, `rttvarMs`): a signal through the server
 *   crosses both legs, and so does a path between the two sides;
 * - once the call is up, its own round trip (the selected pair's, from `getStats`).
 */
import type { ResolvedJoinOptions } from './defaults.js';
import { NETWORK_WAIT_MS } from './network-check/network-hint.js';

/** A smoothed round trip and its variation (ms). */
export interface RoundTrip {
  srttMs: number;
  rttvarMs: number;
}

export interface RoundTripEstimate {
  add(sampleMs: number): void;
  /** `undefined` until the first sample. */
  current(): RoundTrip | undefined;
}

/** RFC 6298's estimator, without its 1 s floor (the floors here are the options). */
export function roundTripEstimate(): RoundTripEstimate {
  let now: RoundTrip | undefined;
  return {
    add(sampleMs) {
      if (!Number.isFinite(sampleMs) || sampleMs < 0) return;
      now = now
        ? {
            rttvarMs: 0.75 * now.rttvarMs + 0.25 * Math.abs(now.srttMs - sampleMs),
            srttMs: 0.875 * now.srttMs + 0.125 * sampleMs,
          }
        : { srttMs: sampleMs, rttvarMs: sampleMs / 2 };
    },
    current: () => now,
  };
}

/** One round trip's timeout: the smoothed round trip plus four times its variation. */
export function retransmitTimeoutMs({ srttMs, rttvarMs }: RoundTrip): number {
  return srttMs + 4 * rttvarMs;
}

/** Linux's floor under a TCP connection's variation term (`TCP_RTO_MIN`, 200 ms). */
const LINUX_TCP_RTO_MIN_MS = 200;

/**
 * How long a request and its answer over TCP take when one of them, or one of their segments, is
 * lost once: the lost segment is resent after the connection's retransmission timeout, which
 * Linux makes the smoothed round trip plus four times its variation, that term at least 200 ms;
 * then it still crosses the round trip (given its timeout here too).
 */
export function onceResentMs(path: RoundTrip): number {
  const tcpRto = path.srttMs + Math.max(4 * path.rttvarMs, LINUX_TCP_RTO_MIN_MS);
  return tcpRto + retransmitTimeoutMs(path);
}

/**
 * The round trip between the two sides through the server: both legs in a row. Their variations
 * add too (both queues may fill at once). The far side's leg, until it says, is taken to be like
 * this side's.
 */
export function pairRoundTrip(own?: RoundTrip, far?: RoundTrip): RoundTrip | undefined {
  const other = far ?? own;
  if (!own || !other) return other;
  return { srttMs: own.srttMs + other.srttMs, rttvarMs: own.rttvarMs + other.rttvarMs };
}

/**
 * The round trips between the two sides each step needs, counted from what it sends (measured in
 * the lab with a delay on both uplinks: join → open took 10.7 client↔server round trips past the
 * join, 5.4 between the sides):
 * - `connect`: offer and answer through the server (1), ICE checks and nomination (2), DTLS (1–2),
 *   SCTP's handshake (2), the data channel's open (½): 7, and one for the candidates trickling in;
 * - `checksSilent`: a check and its answer once the candidates are in, and a relay candidate's
 *   allocation (2 to the TURN server) on the way: 3;
 * - `restart`: the restart's offer and answer (1), checks and nomination (2), a new allocation (1);
 * - `pathSilent`: a lost heartbeat comes back with one retransmission (a timeout), one more for a
 *   second loss;
 * - `networkWait`: the far side's network check (a STUN round trip) and its signal through the
 *   server.
 */
export const STEP_ROUND_TRIPS = {
  connect: 8,
  checksSilent: 3,
  restart: 4,
  pathSilent: 2,
  networkWait: 2,
} as const;

/** `floorMs`, or `roundTrips` timeouts of `path` when that is longer. */
export function followPath(
  floorMs: number,
  roundTrips: number,
  path: RoundTrip | undefined,
): number {
  if (!path) return floorMs;
  return Math.max(floorMs, Math.round(roundTrips * retransmitTimeoutMs(path)));
}

/** The deadlines of one link, each as the path is measured now. */
export interface LinkTimers {
  connectTimeoutMs(): number;
  checksSilentMs(): number;
  restartTimeoutMs(): number;
  pathSilentMs(): number;
  /** How long attempt 1 waits for both sides' network checks (TURN on demand). */
  networkWaitMs(): number;
}

export type TimerFloors = Pick<
  ResolvedJoinOptions,
  'connectTimeoutMs' | 'checksSilentMs' | 'restartTimeoutMs' | 'pathSilentMs'
>;

/**
 * A link's timers: connecting follows the path through the server (`between`); a live call its
 * own round trip (`call`) once measured, else the same.
 */
export function linkTimers(
  floors: TimerFloors,
  between: () => RoundTrip | undefined,
  call: () => RoundTrip | undefined,
): LinkTimers {
  const live = () => call() ?? between();
  return {
    connectTimeoutMs: () =>
      followPath(floors.connectTimeoutMs, STEP_ROUND_TRIPS.connect, between()),
    checksSilentMs: () =>
      followPath(floors.checksSilentMs, STEP_ROUND_TRIPS.checksSilent, between()),
    restartTimeoutMs: () => followPath(floors.restartTimeoutMs, STEP_ROUND_TRIPS.restart, live()),
    pathSilentMs: () => followPath(floors.pathSilentMs, STEP_ROUND_TRIPS.pathSilent, live()),
    networkWaitMs: () => followPath(NETWORK_WAIT_MS, STEP_ROUND_TRIPS.networkWait, between()),
  };
}

/** The far side's round trip to the server as its signal carries it; `undefined` if absent or bad. */
export function roundTripOf(data: Record<string, unknown>): RoundTrip | undefined {
  const { srttMs, rttvarMs } = data;
  const valid = (value: unknown): value is number =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 60_000;
  return valid(srttMs) && valid(rttvarMs) ? { srttMs, rttvarMs } : undefined;
}

/** One link's measured path: what its timers follow, and what its signals tell the far side. */
export interface LinkPath {
  timers: LinkTimers;
  /** A signal from the far side: its round trip to the server, when the signal carries it. */
  heard(data: Record<string, unknown>): void;
  /** The live call's own round trip, sampled (the selected pair's, from `getStats`). */
  callSample(rttMs: number): void;
  /** An offer or answer for the far side, with this side's round trip to the server. */
  stamp<T extends { type: string }>(data: T): T;
  /** A new connection: its round trip is measured anew. */
  newConnection(): void;
}

export function linkPath(floors: TimerFloors, own: () => RoundTrip | undefined): LinkPath {
  let far: RoundTrip | undefined;
  let call = roundTripEstimate();
  const timers = linkTimers(
    floors,
    () => pairRoundTrip(own(), far),
    () => call.current(),
  );
  return {
    timers,
    heard(data) {
      far = roundTripOf(data) ?? far;
    },
    callSample: (rttMs) => call.add(rttMs),
    stamp(data) {
      const measured = own();
      if (!measured || (data.type !== 'offer' && data.type !== 'answer')) return data;
      const srttMs = Math.round(measured.srttMs);
      return { ...data, srttMs, rttvarMs: Math.round(measured.rttvarMs) };
    },
    newConnection() {
      call = roundTripEstimate();
    },
  };
}

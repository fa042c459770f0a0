/**
 * A bench call held once connected, as a user holds one (data every 100 ms each way, and the
 * camera in a video-call lab), and whether it stayed up by itself. On a slow link the first
 * message of the hold needs the one-way trip between the clients to arrive: that wait is the
 * link's, not a stall, so each side's longest stretch without data is counted from the first
 * message it received, and the first message itself is allowed the one-way trip on top.
 */
import {
  holdThrough,
  longestGap,
  sideHeld,
  type CallSide,
  type HeldSide,
} from '@icelane/testing/nat-lab';

/** The longest stretch without data a held call may have (the SDK sends every 100 ms). */
export const MAX_DATA_GAP_MS = 1_000;

/** A held call: `held` when both sides stayed up by themselves. */
export interface HoldResult {
  holdMs: number;
  held: boolean;
  /** The longest stretch without data on either side, from the first message each received. */
  dataGapMs: number;
  /** The later of the two sides' first messages, from the start of the hold. */
  firstDataMs?: number;
  /** The longest stretch without a new video frame on either side (video calls only). */
  videoGapMs?: number;
  a: HoldSideResult;
  b: HoldSideResult;
}

export interface HoldSideResult {
  held: boolean;
  received: number;
  /** From the first message received (the whole hold when none came). */
  dataGapMs: number;
  /** When the first message arrived, from the start of the hold (absent: none did). */
  firstDataMs?: number;
  videoGapMs?: number;
  frames?: number;
  /** Events after connecting (fallback, state changes...), `at` from the start of the hold. */
  events: { event: string; at: number; payload: unknown }[];
}

/**
 * Holds a connected call for `holdMs`. `oneWayMs`: the link's one-way trip from one client to
 * the other, which the first message of the hold may take beyond {@link MAX_DATA_GAP_MS}.
 */
export async function holdBenchCall(
  a: CallSide,
  b: CallSide,
  holdMs: number,
  oneWayMs: number,
  video: boolean,
): Promise<HoldResult> {
  const call = await holdThrough(a, b, { beforeMs: holdMs, afterMs: 0 });
  const [toA, toB] = await Promise.all([dataArrivals(a, b.peerId), dataArrivals(b, a.peerId)]);
  const side = (held: HeldSide, arrivals: number[]): HoldSideResult => {
    const received = arrivals.filter((at) => at >= call.startedAt);
    const first = received[0];
    const dataGapMs =
      first === undefined ? call.endedAt - call.startedAt : longestGap([...received, call.endedAt]);
    const firstDataMs = first === undefined ? undefined : first - call.startedAt;
    return {
      held:
        firstDataMs !== undefined &&
        firstDataMs <= MAX_DATA_GAP_MS + oneWayMs &&
        sideHeld({ ...held, dataGapMs }, MAX_DATA_GAP_MS),
      received: held.received,
      dataGapMs,
      ...(firstDataMs === undefined ? {} : { firstDataMs }),
      ...(video ? { videoGapMs: held.videoGapMs, frames: held.frames } : {}),
      events: held.eventsAfterConnect.map((e) => ({
        event: e.event,
        at: e.at - held.startedAt,
        payload: e.payload,
      })),
    };
  };
  const sideA = side(call.a, toA);
  const sideB = side(call.b, toB);
  const firsts = [sideA.firstDataMs, sideB.firstDataMs];
  return {
    holdMs,
    held: sideA.held && sideB.held,
    dataGapMs: Math.max(sideA.dataGapMs, sideB.dataGapMs),
    ...(firsts.every((ms) => ms !== undefined) ? { firstDataMs: Math.max(...firsts) } : {}),
    ...(video ? { videoGapMs: Math.max(call.a.videoGapMs, call.b.videoGapMs) } : {}),
    a: sideA,
    b: sideB,
  };
}

/** When each data message from `fromPeerId` arrived on `side`'s page (`Date.now()`). */
function dataArrivals(side: CallSide, fromPeerId: string): Promise<number[]> {
  return side.page.evaluate(
    (id) =>
      window.harness.events
        .filter((e) => e.event === 'data' && (e.payload as { peerId?: string }).peerId === id)
        .map((e) => e.at),
    fromPeerId,
  );
}

/**
 * A call held as a user holds one: both sides join, connect, then send a data message every
 * 100 ms and their (fake) camera for a while — possibly through something done to the network
 * halfway (see lab/incidents.ts). What comes out is what a user would notice: the longest stretch
 * without data and without a new video frame, and every event after connecting, so a test can
 * read the story the SDK told.
 */
import { randomBytes } from 'node:crypto';
import type { RecordedEvent } from '../browser-suite/sdk-page/main.js';
import { joinInPage, waitForReport, type RoomPage } from '../browser-suite/room-page.js';
import type { HarnessJoinOptions } from '../browser-suite/sdk-page/main.js';
import type { IncidentTimes } from './incidents.js';
import type { Lab } from './lab.js';
import type { SideName } from './topology.js';
import { withMedia } from './sdk-call.js';

/** A small picture keeps six browsers on two cores from starving each other's frames. */
export const HOLD_VIDEO: MediaTrackConstraints = { width: 320, height: 240, frameRate: 15 };

export interface HeldSide {
  /** The connection report when it first connected. */
  firstReport: { attempt: number; relayed: boolean; local: string; remote: string };
  /** Data messages received from the other side while held. */
  received: number;
  /**
   * Messages the other side sent between the first and the last one received that never came
   * (`tick N` numbers skipped): an ordered, reliable channel delivers every one, however late.
   */
  ticksMissing: number;
  /** The longest time between two data messages from the other side (and from the start/end). */
  dataGapMs: number;
  /** When that longest wait for data began (`Date.now()`). */
  dataGapFrom: number;
  /**
   * Frames decoded from the other side during that longest wait for data: the video shares the
   * data's path, so frames then say the path carried while the data channel waited.
   */
  framesInDataGap: number;
  /** The longest time the other side's video showed no new frame. */
  videoGapMs: number;
  /** Frames decoded from the other side while held. */
  frames: number;
  /** Of those, how many in the last two seconds: data is flowing (again) at the end. */
  receivedInLast2s: number;
  /** `fallback`, `peer:state`, `stream`, `peer:left` and `error` events after the first report. */
  eventsAfterConnect: RecordedEvent[];
  /**
   * Every event after the first report about the other peer or the whole room (`ice`,
   * `signaling`, …), data messages left out: `peer:state`, `recovery`, `stream`, `report`, …
   */
  events: RecordedEvent[];
  /** When the hold began (`Date.now()`, the clock the events are stamped with). */
  startedAt: number;
}

/** Connects side a and side b, holds the call for `holdMs`, and says how it went on each side. */
export async function holdCall(
  lab: Lab,
  options: Record<SideName, HarnessJoinOptions>,
  holdMs: number,
): Promise<Record<SideName, HeldSide>> {
  return withConnectedCall(lab, options, (a, b) => holdConnected(a, b, holdMs));
}

/** What to do to a call while it is held: the hold goes on `afterMs` once `incident` ended. */
export interface HoldPlan {
  /** Traffic flows this long before the incident. */
  beforeMs: number;
  /** Done once traffic flows (absent: nothing happens, a control call). */
  incident?: (call: Record<SideName, CallSide>) => Promise<IncidentTimes>;
  afterMs: number;
}

/** A call held through a plan: each side, and when the hold and the incident were. */
export interface WatchedCall extends Record<SideName, HeldSide> {
  startedAt: number;
  endedAt: number;
  incident?: IncidentTimes;
}

/** Connects side a and side b, holds the call through `plan`, and says how it went. */
export function watchCall(
  lab: Lab,
  options: Record<SideName, HarnessJoinOptions>,
  plan: HoldPlan,
): Promise<WatchedCall> {
  return withConnectedCall(lab, options, (a, b) => holdThrough(a, b, plan));
}

/**
 * Joins side a then side b to a fresh room, waits until both report connecting, gives the call
 * to `use`, and closes both pages whatever happens.
 */
async function withConnectedCall<T>(
  lab: Lab,
  options: Record<SideName, HarnessJoinOptions>,
  use: (a: CallSide, b: CallSide) => Promise<T>,
): Promise<T> {
  const url = lab.server!.url;
  const room = `hold-${randomBytes(4).toString('hex')}`;
  const pages: RoomPage[] = [];
  const join = async (side: SideName) =>
    joinInPage(await lab.browser(side), url, room, holdJoinOptions(lab, options[side]));
  try {
    pages.push(await join('a'));
    pages.push(await join('b'));
    const [a, b] = pages as [RoomPage, RoomPage];
    await Promise.all([
      waitForReport(a.page, b.peerId, 30_000),
      waitForReport(b.page, a.peerId, 30_000),
    ]);
    return await use(a, b);
  } finally {
    for (const page of pages) await page.close();
  }
}

/** A side's join options for a held call: in a video-call lab, the small fake camera. */
export function holdJoinOptions(lab: Lab, options: HarnessJoinOptions): HarnessJoinOptions {
  return { ...withMedia(lab, options), ...(lab.videoCall ? { fakeMedia: HOLD_VIDEO } : {}) };
}

/** One side of a call already made on the SDK test page: its page and its own peer id. */
export type CallSide = Pick<RoomPage, 'page' | 'peerId'>;

/**
 * Holds a call whose two sides have both reported connecting: each sends a data message every
 * 100 ms for `holdMs`, then says how it went. The caller closes the pages.
 */
export async function holdConnected(
  a: CallSide,
  b: CallSide,
  holdMs: number,
): Promise<Record<SideName, HeldSide>> {
  const { a: heldA, b: heldB } = await holdThrough(a, b, { beforeMs: holdMs, afterMs: 0 });
  return { a: heldA, b: heldB };
}

/** Holds a connected call through `plan` (see {@link holdConnected}). */
export async function holdThrough(a: CallSide, b: CallSide, plan: HoldPlan): Promise<WatchedCall> {
  const startedAt = Date.now();
  await Promise.all(
    [a, b].map((p) => p.page.evaluate(() => void window.harness.startTraffic(100))),
  );
  await a.page.waitForTimeout(plan.beforeMs);
  const incident = await plan.incident?.({ a, b });
  if (plan.afterMs > 0) await a.page.waitForTimeout(plan.afterMs);
  const endedAt = Date.now();
  return {
    a: await heldSide(a, b.peerId, startedAt, endedAt),
    b: await heldSide(b, a.peerId, startedAt, endedAt),
    startedAt,
    endedAt,
    ...(incident ? { incident } : {}),
  };
}

/** Events after connecting that say a held call did not stay up by itself. */
const BREAKING_EVENTS = ['fallback', 'peer:state', 'peer:left', 'error'];

/**
 * Whether a side's call held: no fallback, state change, departure or error after connecting,
 * and no stretch without data longer than `maxGapMs`.
 */
export function sideHeld(side: HeldSide, maxGapMs = 1_000): boolean {
  return (
    side.dataGapMs <= maxGapMs &&
    !side.eventsAfterConnect.some((e) => BREAKING_EVENTS.includes(e.event))
  );
}

async function heldSide(
  side: CallSide,
  otherPeerId: string,
  startedAt: number,
  endedAt: number,
): Promise<HeldSide> {
  const seen = await side.page.evaluate((id) => {
    // Room-wide events (`ice`, `signaling`, an error about no peer) belong to every call.
    const about = (e: RecordedEvent) =>
      [id, undefined].includes((e.payload as { peerId?: string } | null)?.peerId);
    const events = window.harness.events.filter(about);
    return { events, frames: window.harness.frameSamples[id] ?? [] };
  }, otherPeerId);
  const ofPeer = (e: RecordedEvent) => (e.payload as { peerId?: string }).peerId === otherPeerId;
  const firstReportEvent = seen.events.find((e) => e.event === 'report' && ofPeer(e))!;
  // Up to the hold's end: reading the pages takes seconds on a loaded machine, and what happens
  // while they are read (past a 10-minute hold: 2.5-5 s) is no part of the hold.
  const afterConnect = seen.events.filter(
    (e) => e.at > firstReportEvent.at && e.at <= endedAt && e.event !== 'data',
  );
  const report = (firstReportEvent.payload as { report: HeldReport }).report;
  const dataEvents = seen.events.filter((e) => e.event === 'data' && e.at >= startedAt);
  const data = dataEvents.map((e) => e.at);
  const frames = seen.frames.filter((s) => s.at >= startedAt);
  const dataGap = longestGapSpan([startedAt, ...data, endedAt]);
  return {
    firstReport: {
      attempt: report.attempt,
      relayed: report.relayed,
      local: report.local.type,
      remote: report.remote.type,
    },
    received: data.length,
    ticksMissing: ticksMissing(dataEvents.map((e) => (e.payload as { data: unknown }).data)),
    receivedInLast2s: data.filter((at) => at > endedAt - 2_000).length,
    dataGapMs: dataGap.ms,
    dataGapFrom: dataGap.from,
    framesInDataGap: framesBetween(frames, dataGap.from, dataGap.from + dataGap.ms),
    videoGapMs: longestFrozen(frames),
    frames: frames.length > 0 ? frames.at(-1)!.frames - frames[0]!.frames : 0,
    eventsAfterConnect: afterConnect.filter(
      (e) =>
        ofPeer(e) && ['fallback', 'peer:state', 'stream', 'peer:left', 'error'].includes(e.event),
    ),
    events: afterConnect,
    startedAt,
  };
}

interface HeldReport {
  attempt: number;
  relayed: boolean;
  local: { type: string };
  remote: { type: string };
}

/** How many `tick N` numbers between the lowest and the highest received are absent. */
export function ticksMissing(messages: unknown[]): number {
  const ticks = new Set<number>();
  for (const message of messages) {
    const tick = typeof message === 'string' ? /^tick (\d+)$/.exec(message)?.[1] : undefined;
    if (tick !== undefined) ticks.add(Number(tick));
  }
  if (ticks.size === 0) return 0;
  return Math.max(...ticks) - Math.min(...ticks) + 1 - ticks.size;
}

/** The longest interval between consecutive times. */
export function longestGap(times: number[]): number {
  return longestGapSpan(times).ms;
}

/** The longest interval between consecutive times, and when it began. */
export function longestGapSpan(times: number[]): { from: number; ms: number } {
  let longest = { from: times[0] ?? 0, ms: 0 };
  for (let i = 1; i < times.length; i++) {
    const ms = times[i]! - times[i - 1]!;
    if (ms > longest.ms) longest = { from: times[i - 1]!, ms };
  }
  return longest;
}

/** Frames decoded between `from` and `to`, by the samples taken in that time. */
export function framesBetween(
  samples: Array<{ at: number; frames: number }>,
  from: number,
  to: number,
): number {
  const within = samples.filter((s) => s.at >= from && s.at <= to);
  return within.length > 1 ? within.at(-1)!.frames - within[0]!.frames : 0;
}

/** The longest time the frame count stood still across samples. */
export function longestFrozen(samples: Array<{ at: number; frames: number }>): number {
  let longest = 0;
  let since = samples[0]?.at ?? 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.frames > samples[i - 1]!.frames) since = samples[i]!.at;
    else longest = Math.max(longest, samples[i]!.at - since);
  }
  return longest;
}

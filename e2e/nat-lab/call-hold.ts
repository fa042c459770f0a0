/**
 * A call held as a user holds one: both sides join, connect, then send a data message every
 * 100 ms and their (fake) camera for a while. What comes out is what a user would notice: the
 * longest stretch without data and without a new video frame, and every event after connecting
 * that a healthy call should not have.
 */
import { randomBytes } from 'node:crypto';
import type { RecordedEvent } from '../support/sdk-page/main.js';
import { joinInPage, waitForReport, type RoomPage } from '../support/room-page.js';
import type { HarnessJoinOptions } from '../support/sdk-page/main.js';
import type { Lab } from './lab/lab.js';
import type { SideName } from './lab/topology.js';
import { withMedia } from './sdk-call.js';

/** A small picture keeps six browsers on two cores from starving each other's frames. */
export const HOLD_VIDEO: MediaTrackConstraints = { width: 320, height: 240, frameRate: 15 };

export interface HeldSide {
  /** The connection report when it first connected. */
  firstReport: { attempt: number; relayed: boolean; local: string; remote: string };
  /** Data messages received from the other side while held. */
  received: number;
  /** The longest time between two data messages from the other side (and from the start/end). */
  dataGapMs: number;
  /** The longest time the other side's video showed no new frame. */
  videoGapMs: number;
  /** Frames decoded from the other side while held. */
  frames: number;
  /** `fallback`, `peer:state`, `stream`, `peer:left` and `error` events after the first report. */
  eventsAfterConnect: RecordedEvent[];
  /** When the hold began (`Date.now()`, the clock the events are stamped with). */
  startedAt: number;
}

/** Connects side a and side b, holds the call for `holdMs`, and says how it went on each side. */
export async function holdCall(
  lab: Lab,
  options: Record<SideName, HarnessJoinOptions>,
  holdMs: number,
): Promise<Record<SideName, HeldSide>> {
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
    return await holdConnected(a, b, holdMs);
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
  const startedAt = Date.now();
  await Promise.all(
    [a, b].map((p) => p.page.evaluate(() => void window.harness.startTraffic(100))),
  );
  await a.page.waitForTimeout(holdMs);
  const endedAt = Date.now();
  return {
    a: await heldSide(a, b.peerId, startedAt, endedAt),
    b: await heldSide(b, a.peerId, startedAt, endedAt),
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
    const about = (e: RecordedEvent) => (e.payload as { peerId?: string }).peerId === id;
    const events = window.harness.events.filter(about);
    return { events, frames: window.harness.frameSamples[id] ?? [] };
  }, otherPeerId);
  const firstReportEvent = seen.events.find((e) => e.event === 'report')!;
  const report = (firstReportEvent.payload as { report: HeldReport }).report;
  const data = seen.events.filter((e) => e.event === 'data' && e.at >= startedAt).map((e) => e.at);
  const frames = seen.frames.filter((s) => s.at >= startedAt);
  return {
    firstReport: {
      attempt: report.attempt,
      relayed: report.relayed,
      local: report.local.type,
      remote: report.remote.type,
    },
    received: data.length,
    dataGapMs: longestGap([startedAt, ...data, endedAt]),
    videoGapMs: longestFrozen(frames),
    frames: frames.length > 0 ? frames.at(-1)!.frames - frames[0]!.frames : 0,
    eventsAfterConnect: seen.events.filter(
      (e) =>
        e.at > firstReportEvent.at &&
        ['fallback', 'peer:state', 'stream', 'peer:left', 'error'].includes(e.event),
    ),
    startedAt,
  };
}

interface HeldReport {
  attempt: number;
  relayed: boolean;
  local: { type: string };
  remote: { type: string };
}

/** The longest interval between consecutive times. */
export function longestGap(times: number[]): number {
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  return longest;
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

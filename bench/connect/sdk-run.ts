/**
 * One call through the SDK in a lab: a fresh page on each side (the lab's browsers stay up), side
 * a joins, then side b joins and offers. The clock starts in page b right before its `joinRoom`
 * (in a video-call lab, once its camera is captured); the call is up when both sides' links are
 * `connected` (the data channel is open). The phases come from the SDK's own connection reports.
 * Then, when asked, the call is held as a user holds one (data every 100 ms, and the camera in a
 * video-call lab) and it is recorded whether it stayed up by itself.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectPhases, ConnectionReport } from '@icelane/sdk';
import {
  holdConnected,
  holdJoinOptions,
  sideHeld,
  type HeldSide,
  type Lab,
  type SideName,
} from '@icelane/testing/nat-lab';
import {
  openSdkPage,
  peerAnnouncedMs,
  signalingSteps,
  type HarnessJoinOptions,
  type WireEntry,
} from '@icelane/testing/browser-suite';
import type { PreAttemptSteps } from './pre-attempt.js';

/** How one side saw the call. */
export interface SdkSideResult {
  /** The side's link turned `connected`, from b's join. */
  connectedMs: number;
  timeToConnectMs: number;
  attempt: number;
  relayed: boolean;
  pair: string;
  phases?: ConnectPhases;
}

export interface SdkRunResult {
  ok: boolean;
  /** b's `joinRoom` called → both data channels open. */
  joinToOpenMs?: number;
  /** b joined second and offers on every attempt. */
  offerer?: SdkSideResult;
  answerer?: SdkSideResult;
  /** The steps before b's first attempt, from b's join (pre-attempt.ts). */
  preAttempt?: PreAttemptSteps;
  /** How the call went once connected, when it was held. */
  hold?: HoldResult;
  error?: string;
}

/** A held call: `held` when both sides stayed up by themselves (see `sideHeld`). */
export interface HoldResult {
  holdMs: number;
  held: boolean;
  /** The longest stretch without data on either side. */
  dataGapMs: number;
  /** The longest stretch without a new video frame on either side (video calls only). */
  videoGapMs?: number;
  a: HoldSideResult;
  b: HoldSideResult;
}

export interface HoldSideResult {
  held: boolean;
  received: number;
  dataGapMs: number;
  videoGapMs?: number;
  frames?: number;
  /** Events after connecting (fallback, state changes...), `at` from the start of the hold. */
  events: { event: string; at: number; payload: unknown }[];
}

/** Long enough for TURN on demand's failed first attempt and its retry on a busy machine. */
const CALL_TIMEOUT_MS = 40_000;

/**
 * Makes one call and, when `holdMs` > 0 and it connected, holds it that long. In a video-call lab
 * both sides send the fake camera.
 */
export async function sdkConnectRun(
  lab: Lab,
  joinOptions: HarnessJoinOptions,
  holdMs = 0,
): Promise<SdkRunResult> {
  const url = lab.server!.url;
  const options = holdJoinOptions(lab, joinOptions);
  const room = `bench-${randomBytes(4).toString('hex')}`;
  const opened: Awaited<ReturnType<typeof openSdkPage>>[] = [];
  try {
    const open = async (side: SideName) => {
      const page = await openSdkPage(await lab.browser(side), url, { recordSignalingWire: true });
      opened.push(page);
      return page.page;
    };
    const [a, b] = [await open('a'), await open('b')];
    const joinA = await a.evaluate(([u, r, o]) => window.harness.join(u, r, o), [
      url,
      room,
      options,
    ] as const);
    if (!joinA.ok) return { ok: false, error: `side a could not join: ${JSON.stringify(joinA)}` };
    const joinB = await b.evaluate(
      async ([u, r, o]) => {
        let startedAt = Date.now();
        // A real app has its camera before it joins: the clock starts once it is captured.
        const devices = navigator.mediaDevices;
        if (o.fakeMedia && devices) {
          const capture = devices.getUserMedia.bind(devices);
          devices.getUserMedia = async (constraints) => {
            const stream = await capture(constraints);
            startedAt = Date.now();
            return stream;
          };
        }
        const joined = await window.harness.join(u, r, o);
        return { ...joined, startedAt };
      },
      [url, room, options] as const,
    );
    if (!joinB.ok) return { ok: false, error: `side b could not join: ${JSON.stringify(joinB)}` };

    const [answerer, offerer] = await Promise.all([
      sideResult(a, joinB.peerId, joinB.startedAt),
      sideResult(b, joinA.peerId, joinB.startedAt),
    ]);
    if (typeof answerer === 'string' || typeof offerer === 'string') {
      return { ok: false, error: [answerer, offerer].filter((e) => typeof e === 'string').join() };
    }
    const joinToOpenMs = Math.max(answerer.connectedMs, offerer.connectedMs);
    const preAttempt = await preAttemptSteps(a, b, joinB.startedAt, offerer);
    if (holdMs <= 0) return { ok: true, joinToOpenMs, offerer, answerer, preAttempt };
    const held = await holdConnected(
      { page: a, peerId: joinA.peerId },
      { page: b, peerId: joinB.peerId },
      holdMs,
    );
    return {
      ok: true,
      joinToOpenMs,
      offerer,
      answerer,
      preAttempt,
      hold: holdResult(held, holdMs, lab.videoCall),
    };
  } finally {
    for (const { page, context } of opened) {
      await page.evaluate(() => window.harness.leave()).catch(() => {});
      await context.close();
    }
  }
}

type SdkPage = Awaited<ReturnType<typeof openSdkPage>>['page'];

/** b's steps from its wire record, a's hearing of b from a's, and when b's attempt 1 began. */
async function preAttemptSteps(
  a: SdkPage,
  b: SdkPage,
  startedAt: number,
  offerer: SdkSideResult,
): Promise<PreAttemptSteps> {
  const wire = (page: SdkPage) =>
    page.evaluate(() => (window as unknown as { signalingWire: WireEntry[] }).signalingWire);
  const announcedMs = peerAnnouncedMs(await wire(a), startedAt);
  return {
    ...signalingSteps(await wire(b), startedAt),
    ...(announcedMs === undefined ? {} : { announcedMs }),
    // The report times attempt 1 from its start to connected, as `connectedMs` is.
    attemptStartedMs: offerer.connectedMs - offerer.timeToConnectMs,
  };
}

/** Waits for the link to `otherPeerId` to connect and report, or for the SDK to give up. */
async function sideResult(
  page: SdkPage,
  otherPeerId: string,
  startedAt: number,
): Promise<SdkSideResult | string> {
  await page.waitForFunction(
    (id) =>
      window.harness.of('report').some((p) => (p as { peerId: string }).peerId === id) ||
      window.harness.of('error').some((p) => (p as { code: string }).code === 'connect-failed'),
    otherPeerId,
    { timeout: CALL_TIMEOUT_MS },
  );
  return page.evaluate(
    ({ id, startedAt }) => {
      const about = (payload: unknown) => (payload as { peerId?: string }).peerId === id;
      const events = window.harness.events.filter((e) => about(e.payload));
      const connected = events.find(
        (e) => e.event === 'peer:state' && (e.payload as { state: string }).state === 'connected',
      );
      const reported = events.find((e) => e.event === 'report');
      if (!connected || !reported) {
        const error = window.harness.events.find((e) => e.event === 'error');
        return `did not connect: ${(error?.payload as { message?: string })?.message ?? 'no report'}`;
      }
      const { report } = reported.payload as { report: ConnectionReport };
      return {
        connectedMs: connected.at - startedAt,
        timeToConnectMs: report.timeToConnectMs,
        attempt: report.attempt,
        relayed: report.relayed,
        pair: `${report.local.type}→${report.remote.type}`,
        ...(report.phases ? { phases: report.phases } : {}),
      };
    },
    { id: otherPeerId, startedAt },
  );
}

function holdResult(held: Record<SideName, HeldSide>, holdMs: number, video: boolean): HoldResult {
  const side = (h: HeldSide): HoldSideResult => {
    return {
      held: sideHeld(h),
      received: h.received,
      dataGapMs: h.dataGapMs,
      ...(video ? { videoGapMs: h.videoGapMs, frames: h.frames } : {}),
      events: h.eventsAfterConnect.map((e) => ({
        event: e.event,
        at: e.at - h.startedAt,
        payload: e.payload,
      })),
    };
  };
  const a = side(held.a);
  const b = side(held.b);
  return {
    holdMs,
    held: a.held && b.held,
    dataGapMs: Math.max(a.dataGapMs, b.dataGapMs),
    ...(video ? { videoGapMs: Math.max(held.a.videoGapMs, held.b.videoGapMs) } : {}),
    a,
    b,
  };
}

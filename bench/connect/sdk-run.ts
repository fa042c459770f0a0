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
import { holdJoinOptions, type Lab, type SideName } from '@icelane/testing/nat-lab';
import {
  openSdkPage,
  peerAnnouncedMs,
  signalingSteps,
  type HarnessJoinOptions,
  type WireEntry,
} from '@icelane/testing/browser-suite';
import { holdBenchCall, type HoldResult } from './hold.js';
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
  /** A call that did not open: what each side's SDK told, to find which deadline ended it. */
  timeline?: TimelineEntry[];
}

/** An event a side's page recorded (data messages left out), `at` from b's join. */
export interface TimelineEntry {
  side: SideName;
  event: string;
  at: number;
  payload: unknown;
}

/** On a fast link: long enough for TURN on demand's failed first attempt and its retry on a busy machine. */
const CALL_TIMEOUT_FLOOR_MS = 40_000;
/**
 * Client↔server round trips a call may take on top: about twice what one takes on a slow link
 * (16, docs/benchmarks.md), so that the bench's deadline is never the one that fails a call.
 */
const CALL_TIMEOUT_ROUND_TRIPS = 30;

/** How long a call on a link with client↔server round trip `linkRttMs` is given to open. */
export function callTimeoutMs(linkRttMs: number): number {
  return CALL_TIMEOUT_FLOOR_MS + CALL_TIMEOUT_ROUND_TRIPS * linkRttMs;
}

/** How one call is made: held `holdMs` once connected (0: not held), on a link of `linkRttMs`. */
export interface SdkRunPlan {
  holdMs: number;
  /** The client↔server round trip the lab's link adds (0: the perfect links). */
  linkRttMs: number;
}

/**
 * Makes one call and, when `plan.holdMs` > 0 and it connected, holds it that long. In a
 * video-call lab both sides send the fake camera.
 */
export async function sdkConnectRun(
  lab: Lab,
  joinOptions: HarnessJoinOptions,
  plan: SdkRunPlan = { holdMs: 0, linkRttMs: 0 },
): Promise<SdkRunResult> {
  const { holdMs, linkRttMs } = plan;
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
      sideResult(a, joinB.peerId, joinB.startedAt, callTimeoutMs(linkRttMs)),
      sideResult(b, joinA.peerId, joinB.startedAt, callTimeoutMs(linkRttMs)),
    ]);
    if (typeof answerer === 'string' || typeof offerer === 'string') {
      return {
        ok: false,
        error: [answerer, offerer].filter((e) => typeof e === 'string').join(),
        timeline: await timelineOf({ a, b }, joinB.startedAt),
      };
    }
    const joinToOpenMs = Math.max(answerer.connectedMs, offerer.connectedMs);
    const preAttempt = await preAttemptSteps(a, b, joinB.startedAt, offerer);
    if (holdMs <= 0) return { ok: true, joinToOpenMs, offerer, answerer, preAttempt };
    // Between the clients a message crosses one uplink and the other's downlink: about the
    // client↔server round trip on links alike on both sides.
    const hold = await holdBenchCall(
      { page: a, peerId: joinA.peerId },
      { page: b, peerId: joinB.peerId },
      holdMs,
      linkRttMs,
      lab.videoCall,
    );
    return { ok: true, joinToOpenMs, offerer, answerer, preAttempt, hold };
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

/** Both pages' events but data messages, in order, from `startedAt`. */
async function timelineOf(
  pages: Record<SideName, SdkPage>,
  startedAt: number,
): Promise<TimelineEntry[]> {
  const sides = await Promise.all(
    (['a', 'b'] as const).map(async (side) => {
      const events = await pages[side].evaluate(() =>
        window.harness.events.filter((e) => e.event !== 'data'),
      );
      return events.map(({ event, at, payload }) => ({ side, event, at: at - startedAt, payload }));
    }),
  );
  return sides.flat().sort((x, y) => x.at - y.at);
}

/** Waits for the link to `otherPeerId` to connect and report, or for the SDK to give up. */
async function sideResult(
  page: SdkPage,
  otherPeerId: string,
  startedAt: number,
  timeoutMs: number,
): Promise<SdkSideResult | string> {
  const settled = await page
    .waitForFunction(
      (id) =>
        window.harness.of('report').some((p) => (p as { peerId: string }).peerId === id) ||
        window.harness.of('error').some((p) => (p as { code: string }).code === 'connect-failed'),
      otherPeerId,
      { timeout: timeoutMs },
    )
    .then(
      () => true,
      () => false,
    );
  if (!settled) return `not open within the bench's ${timeoutMs} ms`;
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

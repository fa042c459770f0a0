/**
 * A call between the two sides of a lab through the SDK itself: each side's browser opens the SDK
 * test page served by the lab's server, joins one room, and the call's outcome is read from the
 * SDK's own events (its connection report, its fallbacks, its error).
 */
import { randomBytes } from 'node:crypto';
import { errors, type BrowserContext } from '@playwright/test';
import type { ConnectionReport, FailedAttempt, IcelaneError, RoomEvents } from '@icelane/sdk';
import type { HarnessJoinOptions } from '../browser-suite/sdk-page/main.js';
import {
  joinInPage,
  rawStats,
  signalingBarrier,
  type RawStats,
  type RoomPage,
} from '../browser-suite/room-page.js';
import type { Lab } from './lab.js';
import type { SideName } from './topology.js';

/** An SDK error as the test page records it (an `IcelaneError`'s plain fields). */
export type RecordedError = Pick<IcelaneError, 'code' | 'message' | 'peerId'> & {
  details?: { attempts?: FailedAttempt[] };
};

/** How the call went on one side. */
export interface SideOutcome {
  /** The first report about the other peer, when it connected. */
  report?: ConnectionReport;
  /** Every report about the other peer so far: the first, then each change of the selected pair. */
  reports: ConnectionReport[];
  /** The `connect-failed` error about the other peer, when it did not. */
  error?: RecordedError;
  /** Every `error` event (to check there was exactly one). */
  errors: RecordedError[];
  fallbacks: RoomEvents['fallback'][];
  /** From the second join (when the connection starts) to the report or the error. */
  elapsedMs: number;
  /**
   * With `CallWait.browserStats`: the browser's own getStats() of each RTCPeerConnection the page
   * made (the SDK's probes beside the call's), read with the outcome.
   */
  browserStats?: RawStats[][];
}

/**
 * A browser profile that outlives one call: what the page stored (its `localStorage`) is kept
 * when the call ends and given to the next call's page.
 */
export interface BrowserProfile {
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>;
}

/** What a call waits for, and reads, besides each side's first report or its error. */
export interface CallWait {
  /**
   * Then also until each side reported a pair that is not relayed, for at most this long: a call
   * may open on a relay and move to a direct pair that works a moment later (the SDK reads a
   * relayed pair again while it may still move: report-monitor.ts). Past it, the outcome is read
   * as it is, for the test to judge.
   */
  directWithinMs?: number;
  /** Also read what each browser's ICE did: `SideOutcome.browserStats`. */
  browserStats?: boolean;
}

/**
 * Joins side a then side b to a fresh room and waits until each side connected or gave up. In a
 * lab made for video calls, each side sends its (fake) camera as a real call would. Each call
 * starts with empty storage unless `profiles` carries it from call to call.
 */
export async function sdkCall(
  lab: Lab,
  options: Record<SideName, HarnessJoinOptions>,
  timeoutMs = 40_000,
  profiles?: Record<SideName, BrowserProfile>,
  wait: CallWait = {},
): Promise<Record<SideName, SideOutcome>> {
  const url = lab.server!.url;
  const room = `lab-${randomBytes(4).toString('hex')}`;
  const pages: RoomPage[] = [];
  const join = async (side: SideName) => {
    const storageState = profiles?.[side].storageState;
    const page = await joinInPage(
      await lab.browser(side),
      url,
      room,
      withMedia(lab, options[side]),
      {
        ...(storageState ? { storageState } : {}),
        ...(wait.browserStats ? { recordPeerConnections: true } : {}),
      },
    );
    pages.push(page);
    return page;
  };
  // Both browsers first: launching one (Firefox takes seconds) is not part of the call.
  await Promise.all([lab.browser('a'), lab.browser('b')]);
  try {
    const a = await join('a');
    const startedAt = Date.now();
    const b = await join('b');
    await Promise.all([settled(a, b.peerId, timeoutMs), settled(b, a.peerId, timeoutMs)]);
    if (wait.directWithinMs !== undefined) {
      const { directWithinMs } = wait;
      await Promise.all([
        reportedDirect(a, b.peerId, directWithinMs),
        reportedDirect(b, a.peerId, directWithinMs),
      ]);
    }
    const read = async () => {
      const [outcomeA, outcomeB] = await Promise.all([
        outcome(a, b.peerId, startedAt, wait),
        outcome(b, a.peerId, startedAt, wait),
      ]);
      return { a: outcomeA, b: outcomeB };
    };
    // A side that connected is read from its first report, and its fallbacks came before it.
    // After a failure, what more could be said about it (a second error) would be brought by
    // the other side's signals still on their way: once a link failed, the SDK says nothing
    // more on its own (attempts.ts).
    const first = await read();
    if (!first.a.error && !first.b.error) return first;
    await signalingBarrier(a, b);
    return await read();
  } finally {
    for (const [i, page] of pages.entries()) {
      const profile = profiles?.[i === 0 ? 'a' : 'b'];
      if (profile) profile.storageState = await page.context.storageState().catch(() => undefined);
      await page.close();
    }
  }
}

/** The join options of a side, with the camera on in a lab made for video calls. */
export function withMedia(lab: Lab, options: HarnessJoinOptions): HarnessJoinOptions {
  return lab.videoCall ? { fakeMedia: true, ...options } : options;
}

/** Until the side reported its connection to the other peer, or gave up with `connect-failed`. */
async function settled(side: RoomPage, otherPeerId: string, timeoutMs: number): Promise<void> {
  const done = (id: string) =>
    window.harness.of('report').some((payload) => (payload as { peerId: string }).peerId === id) ||
    window.harness
      .of('error')
      .some((payload) => (payload as RecordedError).code === 'connect-failed');
  await side.page.waitForFunction(done, otherPeerId, { timeout: timeoutMs });
}

/** Until the side reported a pair to the other peer that is not relayed, or `timeoutMs` passed. */
async function reportedDirect(side: RoomPage, otherPeerId: string, timeoutMs: number) {
  const direct = (id: string) =>
    window.harness.of('report').some((payload) => {
      const { peerId, report } = payload as { peerId: string; report: ConnectionReport };
      return peerId === id && !report.relayed;
    });
  await side.page
    .waitForFunction(direct, otherPeerId, { timeout: timeoutMs })
    .catch((error: unknown) => {
      if (!(error instanceof errors.TimeoutError)) throw error;
    });
}

async function outcome(
  side: RoomPage,
  otherPeerId: string,
  startedAt: number,
  wait: CallWait,
): Promise<SideOutcome> {
  const events = await side.page.evaluate(
    ({ id, startedAt }) => {
      const of = (name: string) =>
        window.harness.events.filter((e) => e.event === name && about(e.payload));
      const about = (payload: unknown) => {
        const peerId = (payload as { peerId?: string }).peerId;
        return peerId === undefined || peerId === id;
      };
      const reports = of('report');
      const errors = of('error');
      const failed = errors.find((e) => (e.payload as RecordedError).code === 'connect-failed');
      const end = reports[0]?.at ?? failed?.at ?? Date.now();
      const reportOf = (e: (typeof reports)[number]) =>
        (e.payload as { report: ConnectionReport }).report;
      return {
        report: reports[0] && reportOf(reports[0]),
        reports: reports.map(reportOf),
        error: failed?.payload as RecordedError | undefined,
        errors: errors.map((e) => e.payload as RecordedError),
        fallbacks: of('fallback').map((e) => e.payload as RoomEvents['fallback']),
        elapsedMs: end - startedAt,
      };
    },
    { id: otherPeerId, startedAt },
  );
  return wait.browserStats ? { ...events, browserStats: await rawStats(side.page) } : events;
}

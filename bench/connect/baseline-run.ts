/**
 * One baseline call: what an app without icelane does behind symmetric NATs. Both pages run plain
 * simple-peer with STUN only; when the browser reports the connection `failed` (~15 s in
 * Chromium) on either side, both start again with TURN and `iceTransportPolicy: 'relay'`. Signals
 * (trickled) are carried between the pages by the benchmark itself, not by a signaling server.
 */
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { TURN_SECRET, type Lab, type SideName } from '@icelane/testing/nat-lab';
import { turnRestCredential } from '@icelane/testing';
import { installBaselinePeer, type BaselineOutcome } from './baseline-page.js';

/** simple-peer's own prebuilt browser bundle, as an app without icelane loads it. */
const SIMPLE_PEER_BUNDLE = createRequire(
  new URL('../../packages/simple-peer-browser/package.json', import.meta.url),
).resolve('simple-peer/simplepeer.min.js');

/** Chromium's `failed` comes after ~15 s; leave room on a busy machine. */
const FIRST_ATTEMPT_TIMEOUT_MS = 40_000;
const RELAY_ATTEMPT_TIMEOUT_MS = 20_000;

export interface BaselineRunResult {
  ok: boolean;
  /** First attempt started → both data channels open. */
  joinToOpenMs?: number;
  /** First attempt started → the first side hears `failed` from the browser. */
  failedAfterMs?: number;
  /** simple-peer's error code that ended attempt 1. */
  failureCode?: string;
  /** Attempt 2 started → both data channels open. */
  relayAttemptMs?: number;
  error?: string;
}

export async function baselineRun(lab: Lab): Promise<BaselineRunResult> {
  const contexts: Awaited<ReturnType<Awaited<ReturnType<Lab['browser']>>['newContext']>>[] = [];
  try {
    const open = async (side: SideName) => {
      const context = await (await lab.browser(side)).newContext();
      contexts.push(context);
      const page = await context.newPage();
      // Any page of the lab's public server will do: the bundle is added to it.
      await page.goto(new URL('/', lab.server!.url).href);
      await page.addScriptTag({ path: SIMPLE_PEER_BUNDLE });
      await page.evaluate(installBaselinePeer);
      return page;
    };
    const [a, b] = [await open('a'), await open('b')];
    await relaySignals(a, b);
    await relaySignals(b, a);

    const stun: RTCConfiguration = {
      iceServers: [{ urls: lab.stunUrl }],
      iceTransportPolicy: 'all',
    };
    await start(a, 1, false, stun);
    const startedAt = await start(b, 1, true, stun);
    const first = await Promise.race([
      outcome(a, 1, FIRST_ATTEMPT_TIMEOUT_MS),
      outcome(b, 1, FIRST_ATTEMPT_TIMEOUT_MS),
    ]);
    if (first.state === 'connected') {
      return { ok: false, error: 'STUN alone connected: the NATs are not symmetric' };
    }
    if (first.state !== 'failed') {
      return { ok: false, error: `attempt 1 ended ${first.state}, not failed` };
    }

    const { username, credential } = turnRestCredential(TURN_SECRET, 'bench-baseline', 3_600);
    const relay: RTCConfiguration = {
      iceServers: [{ urls: [lab.turnUrls.udp, lab.turnUrls.tcp], username, credential }],
      iceTransportPolicy: 'relay',
    };
    await start(a, 2, false, relay);
    const retriedAt = await start(b, 2, true, relay);
    const ends = await Promise.all([
      outcome(a, 2, RELAY_ATTEMPT_TIMEOUT_MS),
      outcome(b, 2, RELAY_ATTEMPT_TIMEOUT_MS),
    ]);
    const notConnected = ends.find((end) => end.state !== 'connected');
    if (notConnected) return { ok: false, error: `relay attempt ended ${notConnected.state}` };
    const openAt = Math.max(...ends.map((end) => end.at));
    return {
      ok: true,
      joinToOpenMs: openAt - startedAt,
      failedAfterMs: first.at - startedAt,
      ...(first.code ? { failureCode: first.code } : {}),
      relayAttemptMs: openAt - retriedAt,
    };
  } finally {
    for (const context of contexts) await context.close();
  }
}

/** Signals `from` emits are delivered to `to`, tagged with their attempt. */
async function relaySignals(from: Page, to: Page): Promise<void> {
  await from.exposeFunction('benchSignal', async (attempt: number, data: unknown) => {
    await to
      .evaluate(([n, d]) => window.baselinePeer!.signal(n, d), [attempt, data] as const)
      .catch(() => {
        // The other page closed at the end of the run.
      });
  });
}

function start(page: Page, attempt: number, initiator: boolean, config: RTCConfiguration) {
  return page.evaluate(([n, i, c]) => window.baselinePeer!.start(n, i, c), [
    attempt,
    initiator,
    config,
  ] as const);
}

function outcome(page: Page, attempt: number, timeoutMs: number): Promise<BaselineOutcome> {
  return page.evaluate(([n, ms]) => window.baselinePeer!.outcome(n, ms), [
    attempt,
    timeoutMs,
  ] as const);
}

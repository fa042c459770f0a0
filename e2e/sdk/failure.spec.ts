import { expect, test } from '@playwright/test';
import { counterSum, freePort } from '@icelane/testing';
import { startIcelaneStack } from '../support/icelane-stack.js';
import {
  joinTwo,
  signalingBarrier,
  waitForEvents,
  type RoomPage,
} from '@icelane/testing/browser-suite';

interface ErrorRecord {
  code: string;
  message: string;
  peerId?: string;
  details?: {
    attempts: Array<{
      attempt: number;
      policy: string;
      turn: boolean;
      reason: string;
      localCandidateTypes: string[];
    }>;
  };
}

test('after the last attempt one connect-failed error says what was tried and what was gathered', async ({
  browser,
}) => {
  // The TURN URL handed out points at a port where nothing listens.
  const deadPort = await freePort();
  const stack = await startIcelaneStack({
    env: { ICELANE_COTURN_URLS: `turn:127.0.0.1:${deadPort}?transport=udp` },
  });
  const pages: RoomPage[] = [];
  try {
    const options = { strategy: 'relay' as const, connectTimeoutMs: 2_000 };
    const [ada, bob] = await joinTwo(browser, stack.url, 'no-turn', options, pages);
    const started = Date.now();

    const [error] = await waitForEvents<ErrorRecord>(ada.page, 'error', 1, 30_000);
    const elapsedMs = Date.now() - started;
    expect(error).toMatchObject({ code: 'connect-failed', peerId: bob.peerId });
    expect(error!.details!.attempts.map((a) => [a.attempt, a.policy, a.turn])).toEqual([
      [1, 'relay', true],
      [2, 'relay', true],
    ]);
    for (const attempt of error!.details!.attempts) {
      expect(attempt.reason).toBe('no-relay-candidate');
      expect(attempt.localCandidateTypes).not.toContain('relay');
    }
    expect(error!.message).toContain(
      'no relay candidate was gathered: is the TURN server reachable?',
    );
    expect(error!.message).toMatch(
      /attempt 1 \(policy relay, with TURN\): .*; local candidates gathered: /,
    );
    console.log(`connect-failed after ${elapsedMs} ms: ${error!.message}`);

    const states = await ada.page.evaluate(() => window.harness.of('peer:state'));
    expect(states.at(-1)).toMatchObject({ peerId: bob.peerId, state: 'failed', attempt: 2 });
    // One error only, however many signs of failure there were: the last could be bob's signals
    // from before he gave up too.
    await waitForEvents(bob.page, 'error', 1, 30_000);
    await signalingBarrier(ada, bob);
    expect(await ada.page.evaluate(() => window.harness.of('error').length)).toBe(1);
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await stack.stop();
  }
});

test('direct strategy connects without TURN, never falls back, and keeps reports in the page when asked', async ({
  browser,
}) => {
  const stack = await startIcelaneStack();
  const pages: RoomPage[] = [];
  try {
    const options = { strategy: 'direct' as const, fakeMedia: true, reportToServer: false };
    const [ada, bob] = await joinTwo(browser, stack.url, 'direct', options, pages);
    const reports = await waitForEvents<{
      report: { relayed: boolean; attempt: number; local: { type: string } };
    }>(ada.page, 'report');
    expect(reports[0]!.report).toMatchObject({ relayed: false, attempt: 1, strategy: 'direct' });
    expect(reports[0]!.report.local.type).not.toBe('relay');
    expect(await ada.page.evaluate(() => window.harness.of('fallback'))).toEqual([]);
    // reportToServer: false keeps the reports in the page.
    await waitForEvents(bob.page, 'report');
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    // Every known series is exported at 0 from the start: none may have counted a connection.
    expect(metrics).toMatch(/^icelane_connections_total\{/m);
    expect(counterSum(metrics, 'icelane_connections_total', {})).toBe(0);
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await stack.stop();
  }
});

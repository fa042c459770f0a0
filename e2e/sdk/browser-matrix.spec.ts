/**
 * Calls between browsers: Chromium and Firefox, each offering to the other, and Firefox with
 * Firefox, for each strategy and for relay over each TURN transport. The pairs of one case run at
 * once, each in its own room and browser contexts, so the matrix costs about one call per case.
 * ICELANE_BROWSER_MATRIX=full adds Chromium↔Chromium and fake video in every call.
 */
import type { Browser } from '@playwright/test';
import type { ConnectionReport } from '@icelane/sdk';
import {
  expect,
  test,
  type BrowserName,
  joinTwo,
  rawStats,
  waitForEvents,
  type RawStats,
  waitForReport,
  type RoomPage,
  type HarnessJoinOptions,
} from '@icelane/testing/browser-suite';
import { startIcelaneStack, type IcelaneStack } from '../support/icelane-stack.js';

const FULL = process.env.ICELANE_BROWSER_MATRIX === 'full';

/** [joins first, joins second and offers]. */
type Pair = readonly [BrowserName, BrowserName];
const PAIRS: Pair[] = [
  ['chromium', 'firefox'],
  ['firefox', 'chromium'],
  ['firefox', 'firefox'],
  ...(FULL ? [['chromium', 'chromium'] as const] : []),
];
const label = ([answers, offers]: Pair) => `${offers}→${answers}`;

interface Call {
  pair: Pair;
  /** [first, second]: the second offered. */
  pages: [RoomPage, RoomPage];
  /** Each side's report about the other, in the same order. */
  reports: [ConnectionReport, ConnectionReport];
}

/** Every pair joins its own room with `options`, all at once; resolves when both sides reported. */
async function callAll(
  browsers: (name: BrowserName) => Promise<Browser>,
  url: string,
  room: string,
  options: HarnessJoinOptions,
  opened: RoomPage[],
): Promise<Call[]> {
  return Promise.all(
    PAIRS.map(async (pair) => {
      const inPair = [await browsers(pair[0]), await browsers(pair[1])] as const;
      const pages = await joinTwo(inPair, url, `${room}-${pair.join('-')}`, options, opened, {
        recordPeerConnections: true,
      });
      const reports = await Promise.all([
        waitForReport(pages[0].page, pages[1].peerId, 30_000),
        waitForReport(pages[1].page, pages[0].peerId, 30_000),
      ]);
      return { pair, pages, reports };
    }),
  );
}

/** A message each way on the data channel. */
async function exchangeData({ pages: [a, b] }: Call): Promise<void> {
  await a.page.evaluate((to) => window.harness.send('from the answerer', to), b.peerId);
  await b.page.evaluate((to) => window.harness.send('from the offerer', to), a.peerId);
  expect(await waitForEvents(b.page, 'data')).toContainEqual({
    peerId: a.peerId,
    data: 'from the answerer',
  });
  expect(await waitForEvents(a.page, 'data')).toContainEqual({
    peerId: b.peerId,
    data: 'from the offerer',
  });
}

/**
 * Video frames each side decoded from the other's fake camera, as getStats() counts them. (The
 * harness counts frames on the <video> element, which headless Firefox plays without painting:
 * its getVideoPlaybackQuality() stays at 0.)
 */
async function expectFrames({ pair, pages }: Call): Promise<void> {
  for (const [i, self] of pages.entries()) {
    await expect
      .poll(async () => framesDecoded(await rawStats(self.page)), {
        message: `${label(pair)}: frames decoded in ${pair[i]}`,
      })
      .toBeGreaterThan(10);
  }
}

/**
 * The page's call among its connections: the one whose data channel is open. (The room's network
 * check makes a short-lived connection of its own at join, whose code loads lazily, so the newest
 * connection is not always the call's.)
 */
function callConnection(connections: RawStats[][]): RawStats[] {
  const call = connections.filter((stats) =>
    stats.some((s) => s.type === 'data-channel' && s.state === 'open'),
  );
  expect(call, 'one connection of the page carries the call').toHaveLength(1);
  return call[0]!;
}

/** Video frames decoded on the page's call. */
function framesDecoded(connections: RawStats[][]): number {
  return callConnection(connections)
    .filter((s) => s.type === 'inbound-rtp' && s.kind === 'video')
    .reduce((sum, s) => sum + Number(s.framesDecoded ?? 0), 0);
}

const pages: RoomPage[] = [];
test.afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

test.describe('strategies', () => {
  let stack: IcelaneStack;
  test.beforeAll(async () => {
    stack = await startIcelaneStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test('auto: every pair connects on attempt 1, data and fake video flow both ways', async ({
    browsers,
  }) => {
    const calls = await callAll(browsers, stack.url, 'auto', { fakeMedia: true }, pages);
    for (const call of calls) {
      for (const report of call.reports) {
        expect(report, label(call.pair)).toMatchObject({ attempt: 1, strategy: 'auto' });
      }
      const [r] = call.reports;
      console.log(
        `${label(call.pair)} auto: ${r.timeToConnectMs} ms, ${r.local.type}→${r.remote.type}`,
      );
    }
    await Promise.all(calls.map(exchangeData));
    await Promise.all(calls.map(expectFrames));
  });

  test('turn on demand: every pair connects on attempt 1 without TURN', async ({ browsers }) => {
    const calls = await callAll(
      browsers,
      stack.url,
      'on-demand',
      { turnOnDemand: true, fakeMedia: FULL },
      pages,
    );
    for (const call of calls) {
      for (const [i, report] of call.reports.entries()) {
        expect(report, label(call.pair)).toMatchObject({
          attempt: 1,
          strategy: 'auto',
          turnOnDemand: true,
          relayed: false,
        });
        const [state] = await waitForEvents<{ policy: string }>(call.pages[i]!.page, 'peer:state');
        expect(state).toMatchObject({ state: 'connecting', attempt: 1, policy: 'all' });
      }
      // No relay candidate was gathered: TURN stayed out of the attempt.
      for (const page of call.pages) {
        const stats = callConnection(await rawStats(page.page));
        const types = stats.filter((s) => s.type === 'local-candidate').map((s) => s.candidateType);
        expect(types, label(call.pair)).not.toContain('relay');
      }
    }
    await Promise.all(calls.map(exchangeData));
  });
});

// One TURN URL per stack: with both offered, the relay protocol a report must show is not known.
for (const transport of ['udp', 'tcp'] as const) {
  test(`relay over ${transport}: every pair relays through coturn and each side reports it`, async ({
    browsers,
  }) => {
    const stack = await startIcelaneStack({
      env: (coturn) => ({
        ICELANE_COTURN_URLS: transport === 'udp' ? coturn.udpUrl : coturn.tcpUrl,
      }),
    });
    try {
      const options = { strategy: 'relay' as const, fakeMedia: FULL };
      const calls = await callAll(browsers, stack.url, `relay-${transport}`, options, pages);
      for (const call of calls) {
        for (const [i, report] of call.reports.entries()) {
          const browser = call.pair[i]!;
          const where = `${label(call.pair)}, ${browser}'s report`;
          expect(report, where).toMatchObject({
            attempt: 1,
            strategy: 'relay',
            relayed: true,
            local: { type: 'relay', relayProtocol: transport },
          });
          // Chromium names the TURN server a relay candidate came from; Firefox does not.
          if (browser === 'chromium') {
            expect(report.local.url, where).toMatch(
              new RegExp(`^turn:127\\.0\\.0\\.1:\\d+\\?transport=${transport}$`),
            );
          } else {
            expect(report.local.url, where).toBeUndefined();
          }

          // What the browser itself says about its relay candidates.
          const [stats] = await rawStats(call.pages[i]!.page);
          const relays = stats!.filter(
            (s) => s.type === 'local-candidate' && s.candidateType === 'relay',
          );
          expect(relays.length, where).toBeGreaterThan(0);
          for (const relay of relays) {
            expect(relay.relayProtocol, where).toBe(transport);
            if (browser === 'firefox') expect(relay.url, where).toBeUndefined();
          }
        }
        const [r] = call.reports;
        console.log(
          `${label(call.pair)} relay/${transport}: ${r.timeToConnectMs} ms, rtt ${r.rttMs} ms`,
        );
      }
      await Promise.all(calls.map(exchangeData));
      if (FULL) await Promise.all(calls.map(expectFrames));

      // Every side told the server it relays over this transport (whatever the remote end's
      // type: a side may see the other's relay as prflx when a check beats the candidate).
      const relayedReports = async () => {
        const text = await (await fetch(`${stack.url}/metrics`)).text();
        const line = new RegExp(
          `^icelane_connections_total\\{(?=[^}]*local_type="relay")(?=[^}]*relay_protocol="${transport}")[^}]*\\} (\\d+)$`,
          'gm',
        );
        return [...text.matchAll(line)].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      await expect.poll(relayedReports).toBe(2 * PAIRS.length);
    } finally {
      await Promise.all(pages.splice(0).map((p) => p.close()));
      await stack.stop();
    }
  });
}

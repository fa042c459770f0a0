import type { Page } from '@playwright/test';
import {
  BROWSER_NAMES,
  expect,
  test,
  SDK_PAGE_DIR,
  dropSignaling,
  joinInPage,
  joinTwo,
  signalingTransport,
  waitForEvents,
  waitForReport,
  type RoomPage,
} from '@icelane/testing/browser-suite';
import { freePort, startCoturn, startServerProcess, type ServerProcess } from '@icelane/testing';
import { coturnServerEnv } from '../support/icelane-stack.js';

/** Every event of `name` the page recorded. */
const recorded = (page: Page, name: string) =>
  page.evaluate((event) => window.harness.of(event as never), name) as Promise<unknown[]>;

/** Waits until `page` received `data` from `peerId` on the data channel. */
async function expectData(page: Page, peerId: string, data: string): Promise<void> {
  await expect
    .poll(() => recorded(page, 'data'), { timeout: 10_000 })
    .toContainEqual({
      peerId,
      data,
    });
}

/** Frames decoded so far from `peerId`'s fake camera. */
const framesFrom = (page: Page, peerId: string) =>
  page.evaluate((from) => window.harness.framesFrom(from), peerId);

for (const browserName of BROWSER_NAMES) {
  test(`the server restarts during a call: media and data keep flowing, both rejoin and keep their peer, new joins work, in ${browserName}`, async ({
    browsers,
  }) => {
    const browser = await browsers(browserName);
    const coturn = await startCoturn();
    const port = await freePort();
    const env = {
      ...coturnServerEnv(coturn),
      ICELANE_STATIC_DIR: SDK_PAGE_DIR,
      PORT: String(port),
    };
    let server: ServerProcess | undefined = await startServerProcess({ env });
    const pages: RoomPage[] = [];
    try {
      const options = { fakeMedia: true };
      const [ada, bob] = await joinTwo(browser, server.url, 'restart', options, pages);
      await waitForReport(ada.page, bob.peerId);
      await waitForReport(bob.page, ada.peerId);

      // A graceful stop: the server announces `server:shutdown`, then disconnects everyone.
      await server.stop();
      server = undefined;
      await waitForEvents(ada.page, 'signaling');
      await waitForEvents(bob.page, 'signaling');
      expect(await recorded(ada.page, 'signaling')).toEqual([{ state: 'reconnecting' }]);

      // The call is peer to peer: with no server at all, data and video still arrive.
      await bob.page.evaluate(
        (to) => window.harness.send('while the server is down', to),
        ada.peerId,
      );
      await expectData(ada.page, bob.peerId, 'while the server is down');
      const framesBefore = await framesFrom(ada.page, bob.peerId);
      await expect.poll(() => framesFrom(ada.page, bob.peerId)).toBeGreaterThan(framesBefore + 10);

      server = await startServerProcess({ env });
      for (const { page } of [ada, bob]) {
        const [, back] = await waitForEvents<{ state: string }>(page, 'signaling', 2, 30_000);
        expect(back).toEqual({ state: 'connected' });
      }
      // Each side has a new id on the new server...
      const adaId = await ada.page.evaluate(() => window.harness.room!.peerId);
      const bobId = await bob.page.evaluate(() => window.harness.room!.peerId);
      expect(adaId).not.toBe(ada.peerId);
      expect(bobId).not.toBe(bob.peerId);

      // ...yet each keeps the same connection to the other, under the id the app knows: no peer
      // left or joined, no new attempt.
      for (const [page, other] of [
        [ada.page, bob.peerId],
        [bob.page, ada.peerId],
      ] as const) {
        expect(
          await page.evaluate(() =>
            window.harness.peers().map((p) => [p.peerId, p.state, p.attempt]),
          ),
        ).toEqual([[other, 'connected', 1]]);
        expect(await recorded(page, 'peer:left')).toEqual([]);
        expect(await recorded(page, 'peer:joined')).toHaveLength(1);
      }
      await ada.page.evaluate((to) => window.harness.send('after the restart', to), bob.peerId);
      await expectData(bob.page, ada.peerId, 'after the restart');

      // The rejoined pair is reachable through the new server: a newcomer connects to both.
      const carol = await joinInPage(browser, server.url, 'restart', options);
      pages.push(carol);
      await waitForReport(carol.page, adaId);
      await waitForReport(carol.page, bobId);
      await waitForReport(ada.page, carol.peerId);
      await waitForReport(bob.page, carol.peerId);
      expect(await ada.page.evaluate(() => window.harness.peers().map((p) => p.peerId))).toEqual([
        bob.peerId,
        carol.peerId,
      ]);

      // And a peer that leaves for good is gone on both sides once its connection closes.
      await bob.close();
      pages.splice(pages.indexOf(bob), 1);
      await expect
        .poll(() => recorded(ada.page, 'peer:left'), { timeout: 15_000 })
        .toEqual([{ peerId: bob.peerId }]);
    } finally {
      await Promise.all(pages.map((p) => p.close()));
      await server?.stop();
      await coturn.stop();
    }
  });
}

test('a dropped signaling connection comes back straight on WebSocket, without long-polling first, in chromium', async ({
  browsers,
}) => {
  const browser = await browsers('chromium');
  const coturn = await startCoturn();
  const env = { ...coturnServerEnv(coturn), ICELANE_STATIC_DIR: SDK_PAGE_DIR };
  const server = await startServerProcess({ env });
  const pages: RoomPage[] = [];
  try {
    const [ada, bob] = await joinTwo(browser, server.url, 'upgrade', {}, pages);
    await waitForReport(ada.page, bob.peerId);
    await expect.poll(() => signalingTransport(ada.page)).toBe('websocket');

    const polls: string[] = [];
    ada.page.on('request', (request) => {
      if (request.url().includes('transport=polling')) polls.push(request.url());
    });
    // The connection dies as the SDK's own probe closes a dead one (signaling-probe.ts).
    await dropSignaling(ada.page);
    const [, back] = await waitForEvents<{ state: string }>(ada.page, 'signaling', 2);
    expect(back).toEqual({ state: 'connected' });
    // The rejoin waited for no polling handshake and no upgrade: 2 round trips fewer.
    expect(polls).toEqual([]);
    expect(await signalingTransport(ada.page)).toBe('websocket');
    await ada.page.evaluate((to) => window.harness.send('after the drop', to), bob.peerId);
    await expectData(bob.page, ada.peerId, 'after the drop');
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await server.stop();
    await coturn.stop();
  }
});

import { expect, test } from '@playwright/test';
import { freePort, startCoturn, startServerProcess, type ServerProcess } from '@icelane/testing';
import { SDK_PAGE_DIR } from '../support/build-sdk-page.js';
import { coturnServerEnv } from '../support/icelane-stack.js';
import { joinTwo, waitForEvents, waitForReport, type RoomPage } from '../support/room-page.js';

test('after the server restarts, both pages rejoin the room and connect again', async ({
  browser,
}) => {
  const coturn = await startCoturn();
  const port = await freePort();
  const env = { ...coturnServerEnv(coturn), ICELANE_STATIC_DIR: SDK_PAGE_DIR, PORT: String(port) };
  let server: ServerProcess | undefined = await startServerProcess({ env });
  const pages: RoomPage[] = [];
  try {
    const [ada, bob] = await joinTwo(browser, server.url, 'restart', {}, pages);
    await waitForReport(ada.page, bob.peerId);

    // A graceful stop: the server announces `server:shutdown`, then disconnects everyone.
    await server.stop();
    server = undefined;
    await waitForEvents(ada.page, 'signaling');
    expect(await ada.page.evaluate(() => window.harness.of('signaling'))).toEqual([
      { state: 'reconnecting' },
    ]);
    server = await startServerProcess({ env });

    const [, reconnected] = await waitForEvents<{ state: string }>(
      ada.page,
      'signaling',
      2,
      30_000,
    );
    expect(reconnected).toEqual({ state: 'connected' });
    await waitForEvents(bob.page, 'signaling', 2, 30_000);
    const adaId = await ada.page.evaluate(() => window.harness.room!.peerId);
    const bobId = await bob.page.evaluate(() => window.harness.room!.peerId);
    expect(adaId).not.toBe(ada.peerId);
    const report = await waitForReport(ada.page, bobId, 30_000);
    expect(report.peerId).toBe(bobId);

    await bob.page.evaluate((to) => window.harness.send('after the restart', to), adaId);
    await expect
      .poll(() => ada.page.evaluate(() => window.harness.of('data')))
      .toContainEqual({ peerId: bobId, data: 'after the restart' });
    expect(
      await ada.page.evaluate(() => window.harness.peers().map((p) => [p.peerId, p.state])),
    ).toEqual([[bobId, 'connected']]);
  } finally {
    await Promise.all(pages.map((p) => p.close()));
    await server?.stop();
    await coturn.stop();
  }
});

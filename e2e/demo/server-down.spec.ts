/**
 * Without the server: a join while it is down ends in an error the page shows (not a blank or
 * stuck page), and a call already up goes on when it leaves, with the page saying so.
 */
import { expect } from '@playwright/test';
import { freePort, startCoturn, startServerProcess } from '@icelane/testing';
import { DEMO_DIST, openAndJoin, remotePanel, videoAdvances } from './call-page.js';
import { test } from './demo-stack.js';

test('joining a server that is down shows an error and lets the user try again', async ({
  page,
  demo,
}) => {
  const downPort = await freePort();
  await page.goto(`${demo.url}?room=nobody-home&server=http://127.0.0.1:${downPort}`);
  await page.getByRole('button', { name: 'Join' }).click();
  const error = page.getByRole('alert');
  await expect(error).toBeVisible({ timeout: 20_000 });
  await expect(error).toContainText(
    `Could not reach the icelane server at http://127.0.0.1:${downPort}`,
  );
  await expect(error).toHaveAttribute('data-code', 'signaling-failed');
  await expect(page.locator('#status')).toHaveAttribute('data-status', 'error');
  // The form is usable again.
  await expect(page.getByRole('button', { name: 'Join' })).toBeEnabled();
  await expect(page.getByLabel('Room')).toBeEnabled();
});

test('when the server goes away mid-call, the page says so and the call goes on', async ({
  browser,
}) => {
  const coturn = await startCoturn();
  try {
    const server = await startServerProcess({
      env: {
        HOST: '127.0.0.1',
        ICELANE_TURN_PROVIDER: 'coturn',
        ICELANE_COTURN_SECRETS: coturn.secret,
        ICELANE_COTURN_URLS: coturn.udpUrl,
        ICELANE_STUN_URLS: coturn.stunUrl,
        ICELANE_STATIC_DIR: DEMO_DIST,
      },
    });
    const url = `${server.url}/?room=server-leaves`;
    const ada = await openAndJoin(browser, url);
    const grace = await openAndJoin(browser, url);
    try {
      await expect(remotePanel(ada.page)).toHaveAttribute('data-state', 'connected');
      await server.stop();
      await expect(ada.page.locator('#status')).toContainText(
        /The connection to the server is (reconnecting|disconnected)/,
      );
      await expect(remotePanel(ada.page)).toHaveAttribute('data-state', 'connected');
      const frames = await videoAdvances(ada.page);
      expect(frames.after).toBeGreaterThan(frames.before);
    } finally {
      await ada.close();
      await grace.close();
      await server.stop();
    }
  } finally {
    await coturn.stop();
  }
});

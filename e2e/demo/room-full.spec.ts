/** A join the server refuses shows the server's reason on the page. */
import { expect, test } from '@playwright/test';
import { startServerProcess } from '@icelane/testing';
import { DEMO_DIST, openAndJoin } from './call-page.js';

test('a full room shows the server refused the join, with its code', async ({ browser, page }) => {
  const server = await startServerProcess({
    env: { HOST: '127.0.0.1', ICELANE_ROOM_PEER_CAP: '1', ICELANE_STATIC_DIR: DEMO_DIST },
  });
  const first = await openAndJoin(browser, `${server.url}/?room=just-one`);
  try {
    await page.goto(`${server.url}/?room=just-one`);
    await page.getByRole('button', { name: 'Join' }).click();
    const error = page.getByRole('alert');
    await expect(error).toContainText('The server refused to join the room (room-full)');
    await expect(error).toHaveAttribute('data-code', 'join-failed');
    await expect(page.locator('#status')).toHaveAttribute('data-status', 'error');
  } finally {
    await first.close();
    await server.stop();
  }
});

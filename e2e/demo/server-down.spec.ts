/** A join while the server is down ends in an error the page shows, not a blank or stuck page. */
import { expect } from '@playwright/test';
import { freePort } from '@icelane/testing';
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

/**
 * The connection toggles on the demo as `npm run demo` starts it, with nothing else set up:
 * forced relay (`?relay=1`) makes both panels show a relayed pair and the server count relayed
 * connections; TURN on demand (`?ondemand=1`) keeps the relay out of the first attempt.
 */
import { expect } from '@playwright/test';
import { counterSum } from '@icelane/testing';
import { test } from './demo-stack.js';
import { docsPath, openAndJoin, remotePanel, videoAdvances } from './call-page.js';

test('with ?relay=1 both peers connect through the local coturn and the server counts it', async ({
  browser,
  demo,
}) => {
  const room = `relay-${Date.now()}`;
  const relayedBefore = counterSum(await demo.metrics(), 'icelane_connections_total', {
    relayed: 'true',
  });
  const ada = await openAndJoin(browser, `${demo.url}?room=${room}&relay=1&name=Ada`);
  const grace = await openAndJoin(browser, `${demo.url}?room=${room}&relay=1&name=Grace`);
  try {
    for (const { page } of [ada, grace]) {
      await expect(page.getByLabel('Force relay')).toBeChecked();
      const panel = remotePanel(page);
      await expect(panel).toHaveAttribute('data-state', 'connected');
      await expect(panel).toHaveAttribute('data-relayed', 'true');
      await expect(panel.locator('[data-end="local"]')).toHaveAttribute(
        'data-candidate-type',
        'relay',
      );
      await expect(panel.locator('.badge.relayed')).toBeVisible();
      await expect(panel.locator('.attempt')).toContainText('strategy relay');
      await expect(panel.locator('.attempt')).toContainText('policy relay');
      // The ICE panel agrees with the peer's: the page's first attempt is relay-only.
      await expect(page.locator('#ice-panel')).toContainText('first policy relay');
      await expect(panel.locator('.log')).toContainText('connected through a TURN relay');
      const frames = await videoAdvances(page);
      expect(frames.after).toBeGreaterThan(frames.before);
    }
    await expect
      .poll(
        async () =>
          counterSum(await demo.metrics(), 'icelane_connections_total', { relayed: 'true' }) -
          relayedBefore,
      )
      .toBeGreaterThanOrEqual(2);

    await expect
      .poll(() => remotePanel(ada.page).locator('svg.sparkline').getAttribute('data-samples'))
      .toMatch(/^([8-9]|\d\d+)$/);
    await ada.page.screenshot({ path: docsPath('demo-relay.png'), fullPage: true });
  } finally {
    await ada.close();
    await grace.close();
  }
});

test('with ?ondemand=1 the first attempt goes without TURN and connects directly', async ({
  browser,
  demo,
}) => {
  const room = `ondemand-${Date.now()}`;
  const ada = await openAndJoin(browser, `${demo.url}?room=${room}&ondemand=1`);
  const grace = await openAndJoin(browser, `${demo.url}?room=${room}&ondemand=1`);
  try {
    for (const { page } of [ada, grace]) {
      await expect(page.getByLabel('TURN on demand')).toBeChecked();
      const panel = remotePanel(page);
      await expect(panel).toHaveAttribute('data-state', 'connected');
      await expect(panel).toHaveAttribute('data-relayed', 'false');
      await expect(panel.locator('.attempt')).toContainText('attempt 1 · strategy auto');
      await expect(panel.locator('.attempt')).toContainText('TURN on demand');
      await expect(panel.locator('[data-end="local"]')).not.toHaveAttribute(
        'data-candidate-type',
        'relay',
      );
    }
  } finally {
    await ada.close();
    await grace.close();
  }
});

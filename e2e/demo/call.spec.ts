/**
 * Two people open the same room link in the demo started as `npm run demo` starts it: each sees
 * the other's video moving, the chat goes both ways, and each panel shows how the call connected.
 */
import { expect } from '@playwright/test';
import { counterSum } from '@icelane/testing';
import { test } from './demo-stack.js';
import { docsPath, openAndJoin, remotePanel, videoAdvances } from './call-page.js';

test('two pages in one room see each other, chat both ways, and show how they connected', async ({
  browser,
  demo,
}) => {
  const room = `call-${Date.now()}`;
  const reportedBefore = counterSum(await demo.metrics(), 'icelane_connections_total', {});
  const ada = await openAndJoin(browser, `${demo.url}?room=${room}&name=Ada`);
  const grace = await openAndJoin(browser, `${demo.url}?room=${room}&name=Grace`);
  try {
    for (const { page } of [ada, grace]) {
      await expect(remotePanel(page)).toHaveAttribute('data-state', 'connected');
      const frames = await videoAdvances(page);
      expect(frames.width).toBeGreaterThan(0);
      expect(frames.after).toBeGreaterThan(frames.before);
      // The selected pair is shown for both ends, and the connect time is a duration.
      await expect(
        remotePanel(page).locator('[data-end="local"][data-candidate-type]'),
      ).toHaveCount(1);
      await expect(
        remotePanel(page).locator('[data-end="remote"][data-candidate-type]'),
      ).toHaveCount(1);
      await expect(remotePanel(page).locator('.connect-time')).toHaveText(/^\d+(\.\d)? (ms|s)$/);
    }
    await expect(remotePanel(ada.page).locator('strong')).toContainText('Grace');

    await ada.page.getByPlaceholder('Say something to the room').fill('hello from Ada');
    await ada.page.getByRole('button', { name: 'Send' }).click();
    await expect(grace.page.locator('#chat-lines')).toContainText('hello from Ada');
    await expect(grace.page.locator('#chat-lines li').last()).toContainText('Ada');
    await grace.page.getByPlaceholder('Say something to the room').fill('hi Ada, Grace here');
    await grace.page.keyboard.press('Enter');
    await expect(ada.page.locator('#chat-lines')).toContainText('hi Ada, Grace here');

    // RTT samples arrive every second over the data channel and are plotted.
    await expect
      .poll(() => remotePanel(ada.page).locator('svg.sparkline').getAttribute('data-samples'))
      .toMatch(/^([8-9]|\d\d+)$/);
    await expect(remotePanel(ada.page).locator('.rtt-value')).toHaveText(
      /^RTT \d+ ms · ICE \d+ ms$/,
    );
    // The call's quality, rated from its own statistics: a loopback call is good or better (a busy
    // machine may decode the fake camera's 20 frames a second below 15, which reads as good).
    await expect(remotePanel(ada.page).locator('.quality')).toHaveAttribute(
      'data-quality',
      /^(excellent|good)$/,
    );

    // The ICE servers the page received: STUN and TURN from the local coturn, credentials masked.
    const ice = ada.page.locator('#ice-panel');
    await expect(ice).toHaveAttribute('data-turn', 'true');
    await expect(ice.locator('tr[data-kind="turn"]')).toHaveCount(2);
    await expect(ice).toContainText(`turn:127.0.0.1:${demo.turnPort}?transport=udp`);
    await expect(ice.locator('tr[data-kind="turn"] td').nth(2)).toHaveText('••••••');
    await expect(ice).toContainText(/credentials expire in/);
    // The local coturn is given by IPv4 literal: the panel says IPv6-only phones cannot use it.
    await expect(ice.locator('[data-warning="ipv4-literals"]')).toBeVisible();
    // Neither a TURN username (`<expiry>:<id>`) nor a base64 HMAC credential is on the page.
    await expect(ice).not.toContainText(/\d{10}:\S/);
    await expect(ice).not.toContainText(/[A-Za-z0-9+/]{20,}=/);
    // What a developer selects to copy, a TURN URL or a figure of the call, stays selected while
    // the call updates the page (it renders about three times a second): the page rewrites only
    // what changed. Two seconds are several renders.
    for (const copied of [
      ice.locator('tr[data-kind="turn"] code').first(),
      remotePanel(ada.page).locator('.connect-time'),
    ]) {
      await copied.selectText();
      const selected = await copied.textContent();
      await ada.page.waitForTimeout(2_000);
      expect(await ada.page.evaluate(() => window.getSelection()?.toString())).toBe(selected);
    }

    // Each side reported its connection to the server.
    await expect
      .poll(
        async () =>
          counterSum(await demo.metrics(), 'icelane_connections_total', {}) - reportedBefore,
      )
      .toBeGreaterThanOrEqual(2);

    // The network check while in the call uses the room's ICE servers.
    await ada.page.getByRole('button', { name: 'Check my network' }).click();
    await expect(ada.page.locator('#network-result')).toHaveAttribute('data-status', 'done');
    await expect(ada.page.locator('#network-result [data-types]')).toHaveAttribute(
      'data-types',
      /\brelay\b/,
    );
    await ada.page.screenshot({ path: docsPath('demo-call.png'), fullPage: true });

    // Leaving takes the peer's tile off the other page.
    await grace.page.getByRole('button', { name: 'Leave' }).click();
    await expect(grace.page.locator('#status')).toHaveAttribute('data-status', 'idle');
    await expect(remotePanel(ada.page)).toHaveCount(0);
  } finally {
    await ada.close();
    await grace.close();
  }
});

test('a peer without camera or microphone still joins, sees the other and is seen as connected', async ({
  browser,
  demo,
}) => {
  const room = `nomedia-${Date.now()}`;
  const ada = await openAndJoin(browser, `${demo.url}?room=${room}&name=Ada`);
  const viewer = await openAndJoin(browser, `${demo.url}?room=${room}&name=Viewer`, (page) =>
    page.getByLabel('Camera and microphone').uncheck(),
  );
  try {
    await expect(remotePanel(ada.page)).toHaveAttribute('data-state', 'connected');
    await expect(remotePanel(viewer.page)).toHaveAttribute('data-state', 'connected');
    const frames = await videoAdvances(viewer.page);
    expect(frames.after).toBeGreaterThan(frames.before);
    await expect(remotePanel(ada.page).locator('.no-video')).toBeVisible();
  } finally {
    await ada.close();
    await viewer.close();
  }
});

/**
 * The demo on a phone-sized screen (390×844, an iPhone 13's viewport) is laid out as a call app:
 * in a call, the far side's video fills the width of the first screen without scrolling, your own
 * sits small in its corner, and the settings and the share link are out of the way.
 */
import { expect } from '@playwright/test';
import { test } from './demo-stack.js';
import { docsPath, openAndJoin, remotePanel } from './call-page.js';

const PHONE = { width: 390, height: 844 };

test("on a phone, the far side's video is in the first screen and yours is small in its corner", async ({
  browser,
  demo,
}) => {
  const room = `phone-${Date.now()}`;
  const phone = await openAndJoin(
    browser,
    `${demo.url}?room=${room}&name=Ada`,
    // Before Join the camera is not open yet; the tile must not say there is none.
    (page) => expect(page.locator('#local-no-video')).toHaveText('the camera opens at Join'),
    { viewport: PHONE },
  );
  const laptop = await openAndJoin(browser, `${demo.url}?room=${room}&name=Grace`);
  try {
    const { page } = phone;
    const remote = remotePanel(page).locator('video');
    await expect(remotePanel(page)).toHaveAttribute('data-state', 'connected');
    await expect(remote).toHaveJSProperty('readyState', 4, { timeout: 15_000 });

    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const far = (await remote.boundingBox())!;
    expect(far.y).toBeGreaterThanOrEqual(0);
    expect(far.y + far.height).toBeLessThanOrEqual(PHONE.height);
    expect(far.width).toBeGreaterThan(PHONE.width * 0.85);
    const own = (await page.locator('#local-video').boundingBox())!;
    expect(own.width).toBeLessThan(far.width / 3);
    expect(own.x).toBeGreaterThanOrEqual(far.x);
    expect(own.y + own.height).toBeLessThanOrEqual(far.y + far.height);
    await page.screenshot({ path: docsPath('demo-phone.png') });

    // The settings give way; the link and QR code wait behind their button.
    await expect(page.locator('#room')).toBeHidden();
    await expect(page.locator('#share-link')).toBeHidden();
    await page.getByText('Share link and QR code').click();
    await expect(page.locator('#share-link')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
  } finally {
    await phone.close();
    await laptop.close();
  }
});

/**
 * The demo on a phone-sized screen (390×844, an iPhone 13's viewport) is laid out as a call app:
 * in a call, the far side's video fills the width of the first screen without scrolling, your own
 * sits small in its corner, and the settings and the share link are out of the way.
 */
import { expect } from '@playwright/test';
import { test } from './demo-stack.js';
import { docsPath, openAndJoin, remotePanel } from './call-page.js';

const PHONE = { width: 390, height: 844 };
/**
 * Two labels closer than a space (about 3 px at their 11 px) read as one word: the old labels
 * (`≤0.1s`, `≤0.25s`, `≤0.5s`) stood 0.3 px apart here in Chromium, `≤0.1s≤0.25s≤0.5s`, and a
 * wider font would overlap them; the bare bounds stand 15 px apart or more.
 */
const LABEL_SPACE_PX = 4;
/**
 * A closed tab leaves on `pagehide`: the far side hears `peer:left` and the connection's close in
 * milliseconds (50–150 ms in e2e/sdk/page-close.spec.ts). Five seconds leave room for a loaded
 * machine and are still far from the heal giving up (about 15 s), which showed it gone before.
 */
const PEER_GONE_MS = 5_000;

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

    // The ICE servers' headings and masked logins stay whole words ("userna|me" once).
    await expect(page.locator('#ice-panel tr[data-kind="turn"]').first()).toBeVisible();
    // The page redraws this table when what it shows changes: the cells are found and measured in
    // one evaluation. A locator's evaluateAll finds them in one round trip
    // and measures them in the next, and a redraw between the two leaves cells out of the page,
    // with no boxes: 0 lines (5 of 200 such reads with two busy cores beside the browsers).
    const lines = await page.locator('#ice-panel').evaluate((panel) =>
      [...panel.querySelectorAll('th, td.short')].map((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        return { text: element.textContent, lines: tops.size };
      }),
    );
    expect(lines.length).toBeGreaterThan(3);
    for (const cell of lines) expect(cell.lines, `lines of "${cell.text}"`).toBe(1);

    // The settings give way; the link and QR code wait behind their button.
    await expect(page.locator('#room')).toBeHidden();
    await expect(page.locator('#share-link')).toBeHidden();
    await page.getByText('Share link and QR code').click();
    await expect(page.locator('#share-link')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();

    // The laptop's tab is closed: it leaves as it closes, and its tile on the phone goes at once
    // rather than saying "reconnecting" until the heal gives up.
    await laptop.close();
    await expect(remotePanel(page)).toHaveCount(0, { timeout: PEER_GONE_MS });
  } finally {
    await phone.close();
    await laptop.close();
  }
});

test("on a phone, the operator view's connect-time columns keep their labels apart", async ({
  browser,
  demo,
}) => {
  const context = await browser.newContext({ viewport: PHONE });
  try {
    const page = await context.newPage();
    await page.goto(new URL('operator.html', demo.url).href);
    const histogram = page.locator('#connect-histogram');
    // Every bucket exists from the server's start, calls or not: 8 bounds and the one above.
    await expect(histogram.locator('.column-label')).toHaveCount(9);
    // The text's own boxes: a label's element may be narrower than the text it lets overflow.
    // Found and measured in one evaluation, as the ICE table's cells above: the view redraws the
    // columns at each read of the server's figures (every 2 s).
    const boxes = await histogram.evaluate((columns) =>
      [...columns.querySelectorAll('.column-label')].map((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        const { left, right } = range.getBoundingClientRect();
        return { text: element.textContent, left, right };
      }),
    );
    expect(boxes).toHaveLength(9);
    for (const [i, box] of boxes.entries()) {
      expect(box.left, `${box.text} starts on the screen`).toBeGreaterThanOrEqual(0);
      expect(box.right, `${box.text} ends on the screen`).toBeLessThanOrEqual(PHONE.width);
      const next = boxes[i + 1];
      if (next) {
        expect(
          next.left - box.right,
          `space between ${box.text} and ${next.text}`,
        ).toBeGreaterThanOrEqual(LABEL_SPACE_PX);
      }
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
  } finally {
    await context.close();
  }
});

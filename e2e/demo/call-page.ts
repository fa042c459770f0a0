/** Driving the demo page the way a person does: open a link, join, read the panels. */
import { fileURLToPath } from 'node:url';
import {
  expect,
  test,
  type Browser,
  type BrowserContextOptions,
  type Page,
} from '@playwright/test';

/** The built page, for specs that start their own server. */
export const DEMO_DIST = fileURLToPath(new URL('../../packages/demo/dist', import.meta.url));

/**
 * Where a screenshot for the docs goes, whatever directory the suite runs from. The docs are
 * refreshed only on request (`pnpm run docs:screenshots`, Chromium only), so that a test run
 * leaves the tree as it found it; otherwise the screenshot goes to the test's output directory.
 */
export function docsPath(file: string): string {
  const info = test.info();
  const browserName = info.project.use.browserName ?? 'chromium';
  if (process.env.ICELANE_DOCS_SCREENSHOTS !== '1' || browserName !== 'chromium') {
    return info.outputPath(file);
  }
  return fileURLToPath(new URL(`../../docs/${file}`, import.meta.url));
}

export interface JoinedPage {
  page: Page;
  close(): Promise<void>;
}

/** Opens `url` in a fresh browser context (its own peer), clicks Join and waits to be in. */
export async function openAndJoin(
  browser: Browser,
  url: string,
  setup: (page: Page) => Promise<void> = async () => {},
  contextOptions: BrowserContextOptions = {},
): Promise<JoinedPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...contextOptions,
  });
  const page = await context.newPage();
  await page.goto(url);
  await setup(page);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.locator('#status')).toHaveAttribute('data-status', 'joined');
  return { page, close: () => context.close() };
}

/** The panel of the (single) remote peer. */
export function remotePanel(page: Page) {
  return page.locator('article.peer:not(.local)');
}

/** Whether the remote video shows moving frames: its playback position advances. */
export async function videoAdvances(
  page: Page,
): Promise<{ before: number; after: number; width: number }> {
  const video = remotePanel(page).locator('video');
  await expect(video).toHaveJSProperty('readyState', 4, { timeout: 15_000 });
  const position = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);
  const before = await position();
  // Until the position moves on (each frame moves it), rather than for a set second.
  await expect.poll(position).toBeGreaterThan(before);
  return video.evaluate(
    (v: HTMLVideoElement, before: number) => ({
      before,
      after: v.currentTime,
      width: v.videoWidth,
    }),
    before,
  );
}

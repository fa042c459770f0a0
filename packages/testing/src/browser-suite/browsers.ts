/**
 * The browsers a spec can name. Both are Debian's builds driven by Playwright: Chromium over CDP,
 * Firefox ESR over WebDriver BiDi (see @icelane/testing). A spec asks for a browser by name and
 * gets a Playwright `Browser`; everything else (pages, helpers, assertions) is the same.
 */
import { test as base, chromium, firefox, type Browser } from '@playwright/test';
import { chromiumLaunchOptions, firefoxLaunchOptions } from '../index.js';

export type BrowserName = 'chromium' | 'firefox';

export const BROWSER_NAMES: readonly BrowserName[] = ['chromium', 'firefox'];

/** Launches one headless browser by name, with fake media and loopback ICE allowed. */
export function launchBrowser(name: BrowserName): Promise<Browser> {
  return name === 'firefox'
    ? firefox.launch(firefoxLaunchOptions())
    : chromium.launch(chromiumLaunchOptions());
}

/**
 * `test` with a worker fixture `browsers(name)`: each browser is launched once per worker, when a
 * test first asks for it, and closed when the worker ends.
 */
export const test = base.extend<object, { browsers: (name: BrowserName) => Promise<Browser> }>({
  browsers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const launched = new Map<BrowserName, Promise<Browser>>();
      await use((name) => {
        let browser = launched.get(name);
        if (!browser) {
          browser = launchBrowser(name);
          launched.set(name, browser);
        }
        return browser;
      });
      await Promise.all(
        [...launched.values()].map((b) => b.then((browser) => browser.close()).catch(() => {})),
      );
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

export { expect } from '@playwright/test';

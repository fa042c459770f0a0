/**
 * A browser inside a namespace, Chromium or Firefox.
 *
 * Chromium: Playwright starts it through a two-line wrapper used as `executablePath`; `exec` keeps
 * the pipe Playwright talks over, and the wrapper calls the binary itself, not Debian's
 * `/usr/bin/chromium` shell script.
 *
 * Firefox: Playwright talks WebDriver BiDi over a WebSocket, and Firefox listens for it on the
 * namespace's own loopback, out of Playwright's reach. Its launcher (@icelane/testing) runs
 * Firefox in the namespace and stays outside itself, reaching in through a connector process
 * that hands it sockets over a unix socket pair: no address, link or port is added to any
 * namespace, and both processes end with the browser.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, firefox, type Browser } from '@playwright/test';
import { CHROMIUM_PATH, chromiumLaunchOptions, firefoxLaunchOptions } from '../index.js';
import type { BrowserName } from '../browser-suite/browsers.js';
import type { LabCa } from './lab-ca.js';

/**
 * Writes the Chromium wrapper for `ns` into `dir` and returns its path. With `home`, Chromium runs
 * with that `HOME`: on Linux it trusts the certificate authorities in `$HOME/.pki/nssdb`.
 */
export async function writeBrowserWrapper(dir: string, ns: string, home?: string): Promise<string> {
  const path = join(dir, `chromium-${ns}.sh`);
  const env = home ? `HOME=${home} ` : '';
  await writeFile(path, `#!/bin/sh\n${env}exec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * Launches headless `name` whose every socket lives in `ns`. With `secureOrigin`, that plain-http
 * origin counts as secure, so a page there can take the (fake) camera as a real video call does —
 * and then the browser shows its host addresses instead of mDNS names. With `ca`, the browser
 * trusts the lab's certificate authority.
 */
export async function launchBrowserIn(
  name: BrowserName,
  dir: string,
  ns: string,
  secureOrigin?: string,
  ca?: Pick<LabCa, 'browserHome' | 'caFile'>,
): Promise<Browser> {
  if (name === 'firefox') {
    const secureOrigins = secureOrigin ? [secureOrigin] : [];
    return firefox.launch(firefoxLaunchOptions({ netns: ns, secureOrigins, caFile: ca?.caFile }));
  }
  const options = chromiumLaunchOptions(await writeBrowserWrapper(dir, ns, ca?.browserHome));
  if (secureOrigin) options.args.push(`--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`);
  return chromium.launch(options);
}

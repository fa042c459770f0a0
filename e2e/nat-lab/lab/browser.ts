/**
 * Chromium inside a namespace. Playwright starts the browser through a two-line wrapper used as
 * `executablePath`; `exec` keeps the pipe Playwright talks over, and the wrapper calls the binary
 * itself, not Debian's `/usr/bin/chromium` shell script.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_PATH, chromiumLaunchOptions } from '@icelane/testing';

/**
 * Writes the wrapper for `ns` into `dir` and returns its path. With `home`, Chromium runs with
 * that `HOME`: on Linux it trusts the certificate authorities in `$HOME/.pki/nssdb`.
 */
export async function writeBrowserWrapper(dir: string, ns: string, home?: string): Promise<string> {
  const path = join(dir, `chromium-${ns}.sh`);
  const env = home ? `HOME=${home} ` : '';
  await writeFile(path, `#!/bin/sh\n${env}exec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

/**
 * Launches headless Chromium whose every socket lives in `ns`. With `secureOrigin`, that plain-http
 * origin counts as secure, so a page there can take the (fake) camera as a real video call does —
 * and then Chromium shows its host addresses instead of mDNS names.
 */
export async function launchBrowserIn(
  dir: string,
  ns: string,
  secureOrigin?: string,
  home?: string,
): Promise<Browser> {
  const options = chromiumLaunchOptions(await writeBrowserWrapper(dir, ns, home));
  if (secureOrigin) options.args.push(`--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`);
  return chromium.launch(options);
}

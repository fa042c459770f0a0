/**
 * Chromium inside a namespace. Playwright starts the browser through a two-line wrapper used as
 * `executablePath`; `exec` keeps the pipe Playwright talks over, and the wrapper calls the binary
 * itself, not Debian's `/usr/bin/chromium` shell script.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_PATH, chromiumLaunchOptions } from '@icelane/testing';

/** Writes the wrapper for `ns` into `dir` and returns its path. */
export async function writeBrowserWrapper(dir: string, ns: string): Promise<string> {
  const path = join(dir, `chromium-${ns}.sh`);
  await writeFile(path, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

/** Launches headless Chromium whose every socket lives in `ns`. */
export async function launchBrowserIn(dir: string, ns: string): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(await writeBrowserWrapper(dir, ns)));
}

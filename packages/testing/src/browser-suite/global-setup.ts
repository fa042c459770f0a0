/**
 * Before the browser suites: compile the protocol and SDK, build the server if it was never
 * built, and build the SDK test page, so a fresh clone needs nothing else. The test command sets
 * ICELANE_PACKAGES_BUILT after building everything: then only the page is built, so nothing
 * rewrites a package's dist while the unit tests running beside read it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SERVER_MAIN } from '../index.js';
import { buildSdkPackages, buildSdkTestPage } from './build-sdk-page.js';

export default async function globalSetup(): Promise<void> {
  if (!process.env.ICELANE_PACKAGES_BUILT) await buildSdkPackages();
  if (!existsSync(SERVER_MAIN)) {
    const cwd = fileURLToPath(new URL('../../../..', import.meta.url));
    await promisify(execFile)('pnpm', ['--filter', '@icelane/server...', 'run', 'build'], { cwd });
  }
  await buildSdkTestPage();
}

/**
 * Before the browser suites: compile the protocol and SDK, build the server if it was never
 * built, and build the SDK test page, so a fresh clone needs nothing else.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SERVER_MAIN } from '@icelane/testing';
import { buildSdkPackages, buildSdkTestPage } from './build-sdk-page.js';

export default async function globalSetup(): Promise<void> {
  await buildSdkPackages();
  if (!existsSync(SERVER_MAIN)) {
    const cwd = fileURLToPath(new URL('../..', import.meta.url));
    await promisify(execFile)('pnpm', ['--filter', '@icelane/server...', 'run', 'build'], { cwd });
  }
  await buildSdkTestPage();
}

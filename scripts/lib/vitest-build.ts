/**
 * Vitest's global setup: the integration tests start the server CLI and build an app against the
 * SDK's `dist`, so the server and the SDK (with what they use) are built once, before any test
 * file runs — never inside a file, where two files building at once would rewrite `dist` under
 * each other. The test command builds everything first and sets ICELANE_PACKAGES_BUILT.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default async function buildOnce(): Promise<void> {
  if (process.env.ICELANE_PACKAGES_BUILT) return;
  await promisify(execFile)(
    'pnpm',
    ['--filter', '@icelane/server...', '--filter', '@icelane/sdk...', 'run', 'build'],
    { cwd: ROOT, timeout: 180_000 },
  );
}

/**
 * Builds the SDK test page with Vite as any app would (no plugins, no aliases, no polyfills),
 * so a browser suite can serve it from the server's static dir, same-origin with socket.io.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const PAGE_SOURCE = fileURLToPath(new URL('./sdk-page', import.meta.url));

/** Where {@link buildSdkTestPage} writes the page; serve it with `ICELANE_STATIC_DIR`. */
export const SDK_PAGE_DIR = fileURLToPath(
  new URL('../../../../.icelane/sdk-test-page', import.meta.url),
);

/** Compiles the SDK and the packages it uses (the page imports their `dist`, as an app would). */
export async function buildSdkPackages(): Promise<void> {
  await promisify(execFile)('pnpm', ['--filter', '@icelane/sdk...', 'run', 'build'], { cwd: ROOT });
}

/** Builds the page into `outDir` and returns it. */
export async function buildSdkTestPage(outDir: string = SDK_PAGE_DIR): Promise<string> {
  await build({
    root: PAGE_SOURCE,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false },
  });
  return outDir;
}

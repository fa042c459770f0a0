/**
 * The SDK in a plain Vite app: default settings, no polyfills, no aliases. The app builds, and
 * the built page runs in Chromium without a `require`, `global`, `process` or `Buffer` error.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '@icelane/testing';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('./vite-app', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('a plain Vite app importing @icelane/sdk', () => {
  let outDir: string;

  beforeAll(async () => {
    // The app imports the package by name, so it gets `dist` as any app would (built by the
    // global setup, scripts/lib/vitest-build.ts).
    outDir = await mkdtemp(join(tmpdir(), 'icelane-vite-app-'));
  }, 60_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('builds with default settings, simple-peer in its own lazy chunk', async () => {
    await build({
      root: APP,
      configFile: false,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((name) => name.startsWith('simple-peer'))).toBe(true);
    for (const name of assets.filter((asset) => asset.endsWith('.js'))) {
      const code = await readFile(join(outDir, 'assets', name), 'utf8');
      // Node built-ins would have to come from polyfills the app does not have.
      expect(code, name).not.toMatch(/from\s*["']node:/);
      expect(code, name).not.toMatch(/\bprocess\.(env|nextTick)\b/);
      expect(code, name).not.toMatch(/\brequire\(/);
    }
  }, 60_000);

  it('imports from its built package in plain Node, where there is no window', async () => {
    const script =
      "const sdk = await import('@icelane/sdk'); console.log(typeof sdk.joinRoom, typeof window);";
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        cwd: ROOT,
      },
    );
    expect(stdout.trim()).toBe('function undefined');
  });

  it('runs in Chromium: joinRoom loads simple-peer and fails cleanly on an unreachable server', async () => {
    const server = await preview({
      root: APP,
      configFile: false,
      logLevel: 'silent',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(server.resolvedUrls!.local[0]!);
      await page.waitForFunction(() => window.appResult !== undefined, undefined, {
        timeout: 15_000,
      });
      // signaling-failed (not a TypeError) means simple-peer's chunk loaded and evaluated first.
      expect(await page.evaluate(() => window.appResult)).toEqual({
        joinRoom: 'function',
        code: 'signaling-failed',
      });
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});

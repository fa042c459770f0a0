import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@icelane/testing';

/**
 * A benchmark's Playwright configuration, for a config file one folder below bench/: its
 * `*.bench.ts` files, one call at a time (two browsers per call on a two-core machine), Chromium
 * as the suites launch it, and the browser suites' global setup (it compiles the SDK and builds
 * its test page). A benchmark prints figures and never fails on a time.
 */
export function benchConfig(timeoutMs: number): PlaywrightTestConfig {
  return defineConfig({
    testDir: '.',
    testMatch: '**/*.bench.ts',
    globalSetup: '../../packages/testing/src/browser-suite/global-setup.ts',
    workers: 1,
    fullyParallel: false,
    timeout: timeoutMs,
    reporter: [['list']],
    use: { launchOptions: chromiumLaunchOptions() },
  });
}

import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@icelane/testing';

// The connect-time benchmark: real Chromium through the NAT lab, as the lab's specs run, but apart
// from the test suites. It prints figures and never fails on a time. The global setup is the
// browser suites' own (it compiles the SDK and builds its test page).
export default defineConfig({
  testDir: 'connect',
  testMatch: '**/*.bench.ts',
  globalSetup: '../packages/testing/src/browser-suite/global-setup.ts',
  // Two browsers per call on a two-core machine: one scenario at a time.
  workers: 1,
  fullyParallel: false,
  // A scenario is many calls in one lab; the baseline alone is ~16 s a call.
  timeout: 20 * 60_000,
  reporter: [['list']],
  use: { launchOptions: chromiumLaunchOptions() },
});

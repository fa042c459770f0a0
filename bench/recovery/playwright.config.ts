import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@icelane/testing';

// The recovery benchmark: live calls through the NAT lab meeting an incident, with the SDK's
// recovery on and off, apart from the test suites. It prints figures and never fails on a time.
// The global setup is the browser suites' own (it compiles the SDK and builds its test page).
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.bench.ts',
  globalSetup: '../../packages/testing/src/browser-suite/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  // A scenario is ten runs of two ~30 s calls.
  timeout: 30 * 60_000,
  reporter: [['list']],
  use: { launchOptions: chromiumLaunchOptions() },
});

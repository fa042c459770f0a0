import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, firefoxLaunchOptions } from '@icelane/testing';

// Browser suites in real Chromium (Debian's build). They run against the built packages: the global
// setup compiles the SDK and builds its test page (and the server, if it was never built). One worker: the machine has two cores and each test runs two browsers.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './packages/testing/src/browser-suite/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: { launchOptions: chromiumLaunchOptions() },
  projects: [
    { name: 'sdk', testDir: 'e2e/sdk' },
    { name: 'demo', testDir: 'e2e/demo' },
    // The demo's calls again in Debian's Firefox ESR (over WebDriver BiDi; see @icelane/testing).
    {
      name: 'demo-firefox',
      testDir: 'e2e/demo',
      testMatch: ['call.spec.ts', 'relay.spec.ts', 'network-check.spec.ts'],
      use: { browserName: 'firefox', launchOptions: firefoxLaunchOptions() },
    },
    {
      name: 'nat-lab',
      testDir: 'e2e/nat-lab',
      // Real browsers through real namespaces on a 2-core machine: in CI a failed lab test runs
      // once more, and one that passes then is named "flaky" in the summary line, not hidden.
      retries: process.env.CI ? 1 : 0,
    },
  ],
});

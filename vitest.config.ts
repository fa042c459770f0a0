import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package, run against the TypeScript sources (the `source`
// export condition). Browser tests run under Playwright instead.
//
// Two projects: `unit` is pure (no process, no socket, no build; seconds): every test colocated
// in a package's `src/`, and the pure tests kept beside their fixtures in `test/` folders.
// `integration` is everything else (real Redis, coturn, server processes, sockets, a Vite app),
// and builds the packages once before its first file (scripts/lib/vitest-build.ts). A new file
// under `test/` is integration unless listed in UNIT_IN_TEST_FOLDERS.
// Soak tests (`*.soak.test.ts`, minutes each) run only with ICELANE_SOAK=1: `pnpm run test:soak`.
const soak = process.env.ICELANE_SOAK === '1';

const UNIT_IN_TEST_FOLDERS = [
  'packages/simple-peer-browser/test/shims.test.ts',
  'packages/server/test/{config,jwt-compose,jwt-config}.test.ts',
  'packages/server/test/credentials/{backoff,coturn,shared-answer,shared-cache,static,store}.test.ts',
  'packages/server/test/redis/redis-url-config.test.ts',
  'packages/server/test/observability/grafana-dashboard.test.ts',
];

// Integration files that assert timings (floods answered in time, a Redis pause noticed, a
// credential refreshed while others are served, a provider's outage and failover on lifetimes and
// timeouts scaled down to a second or less): on two cores beside the browser suites they
// measure the load more than the server. scripts/test.sh runs them apart, with the machine to
// themselves: ICELANE_VITEST_TIMING=apart leaves them out, =only runs them alone.
const TIMING_SENSITIVE = [
  'packages/server/test/adversarial/**/*.test.ts',
  'packages/server/test/redis/shared-credentials.test.ts',
  'packages/server/test/redis/{cluster,sentinel}-failover.test.ts',
  'packages/server/test/redis/{cluster,sentinel}-lost-writes.test.ts',
  'packages/server/test/redis/cluster-lost-shared-state.test.ts',
  'packages/server/test/regression/issue-14-redis-liveness.test.ts',
  'packages/server/test/provider-outage.test.ts',
  'packages/server/test/provider-failover.test.ts',
];
const timing = process.env.ICELANE_VITEST_TIMING;

const EXCLUDE = [
  '**/node_modules/**',
  '**/dist/**',
  '**/*.e2e.test.ts',
  ...(soak ? [] : ['**/*.soak.test.ts']),
];

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    exclude: EXCLUDE,
    // Vitest's default on two cores is one worker, one file at a time; most integration files
    // wait on processes (servers, Redis, coturn, Chromium), so four at once take a fraction of
    // the time.
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', ...UNIT_IN_TEST_FOLDERS],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: timing === 'only' ? TIMING_SENSITIVE : ['packages/*/test/**/*.test.ts'],
          exclude: [
            ...EXCLUDE,
            ...UNIT_IN_TEST_FOLDERS,
            ...(timing === 'apart' ? TIMING_SENSITIVE : []),
          ],
          // Built once before any file, never inside one.
          globalSetup: ['./scripts/lib/vitest-build.ts'],
        },
      },
    ],
  },
});

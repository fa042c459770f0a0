import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package, run against the TypeScript sources (the `source`
// export condition) so no build is needed first. Browser tests run under Playwright instead.
// Soak tests (`*.soak.test.ts`, minutes each) run only with ICELANE_SOAK=1: `pnpm run test:soak`.
const soak = process.env.ICELANE_SOAK === '1';
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      '**/*.e2e.test.ts',
      ...(soak ? [] : ['**/*.soak.test.ts']),
    ],
    // Built once before any file (scripts/lib/vitest-build.ts), never inside one.
    globalSetup: ['./scripts/lib/vitest-build.ts'],
    // Vitest's default on two cores is one worker, one file at a time; most files here wait on
    // processes (servers, Redis, coturn, Chromium), so four at once take a fraction of the time.
    maxWorkers: 4,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

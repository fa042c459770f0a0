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
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
